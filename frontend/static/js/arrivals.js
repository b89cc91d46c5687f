// Live figures and the arrivals chart of the organiser's check-in page.
//
// Without this script the page still shows the figures of the moment it was loaded. With it, a
// websocket (/ws/events/<id>/arrivals) sends a "snapshot" (the same shape as GET
// /api/v1/events/<id>/checkin-stats) on connect, then "update" messages: absolute counts plus
// arrivals per minute to add, at most two a second. The chart is Chart.js 4 (global `Chart`).
(() => {
  "use strict";
  const configNode = document.getElementById("arrivals-config");
  if (!configNode) return;
  const config = JSON.parse(configNode.textContent);
  const STEP = 60 * 1000;
  const statusNode = document.querySelector("[data-live-status]");
  const canvas = document.getElementById("arrivals-chart");
  const timeLabel = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    timeZone: config.timezone, hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  let series = { start: 0, counts: [] }; // start: ms of the first minute; one count per minute
  let chart = null;

  function setStatus(state) {
    if (!statusNode) return;
    statusNode.dataset.state = state;
    statusNode.textContent = config.strings[state] || "";
  }

  function setText(node, value) {
    const text = value === null || value === undefined ? "—" : String(value);
    if (node.textContent.trim() === text) return;
    node.textContent = text;
    node.classList.remove("flash-count");
    void node.offsetWidth; // restart the highlight animation
    node.classList.add("flash-count");
  }

  function setCounts(counts) {
    for (const name of ["checked_in", "expected", "inside"]) {
      document.querySelectorAll(`[data-count="${name}"]`).forEach((node) => setText(node, counts[name]));
    }
    for (const list of counts.lists || []) {
      const row = document.querySelector(`tr[data-list-id="${list.id}"]`);
      if (!row) continue; // a list added after the page loaded shows up on the next visit
      for (const field of ["checked_in", "expected", "inside"]) {
        const cell = row.querySelector(`[data-field="${field}"]`);
        if (cell) setText(cell, list[field]);
      }
      const bar = row.querySelector("progress");
      if (bar) {
        bar.max = list.expected || 1;
        bar.value = Math.min(list.checked_in, list.expected);
      }
    }
  }

  // The last hours follow the clock: drop minutes on the left, add empty ones on the right.
  function follow() {
    const length = series.counts.length;
    if (!config.follow || !length) return;
    const start = Math.floor(Date.now() / STEP) * STEP + STEP - length * STEP;
    const shift = Math.round((start - series.start) / STEP);
    if (shift <= 0) return;
    series.counts = shift >= length
      ? new Array(length).fill(0)
      : series.counts.slice(shift).concat(new Array(shift).fill(0));
    series.start = start;
  }

  function addArrivals(pairs) {
    for (const [seconds, count] of pairs || []) {
      const index = Math.round((seconds * 1000 - series.start) / STEP);
      if (index >= 0 && index < series.counts.length) series.counts[index] += count;
    }
  }

  function render() {
    const total = series.counts.reduce((sum, n) => sum + n, 0);
    document.querySelectorAll('[data-count="arrivals_total"]').forEach((node) => setText(node, total));
    const empty = document.querySelector("[data-arrivals-empty]");
    if (empty) empty.hidden = total > 0;
    if (!canvas || typeof window.Chart === "undefined") return;
    const labels = series.counts.map((_, i) => timeLabel.format(new Date(series.start + i * STEP)));
    if (chart) {
      chart.data.labels = labels;
      chart.data.datasets[0].data = series.counts.slice();
      chart.update("none");
      return;
    }
    chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels,
        datasets: [{ label: config.strings.arrivals, data: series.counts.slice(), backgroundColor: "#1e88e5" }],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: {
          x: { ticks: { autoSkip: true, maxTicksLimit: 8, maxRotation: 0 }, grid: { display: false } },
          y: { beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
  }

  function setSeries(arrivals) {
    series = { start: Date.parse(arrivals.start), counts: arrivals.counts.slice() };
    follow();
    render();
  }

  let retryDelay = 1000;
  function connect() {
    setStatus("connecting");
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + location.host + config.socket);
    socket.addEventListener("open", () => { retryDelay = 1000; });
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "snapshot") {
        setCounts(message.stats);
        setSeries(message.stats.arrivals);
        setStatus("live");
      } else if (message.type === "update") {
        setCounts(message.counts);
        follow();
        addArrivals(message.arrivals);
        render();
      }
    });
    socket.addEventListener("close", () => {
      setStatus("offline");
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    });
  }

  setSeries(config.stats.arrivals); // the figures the page was rendered with, until the snapshot
  if (config.follow) setInterval(() => { follow(); render(); }, 15000);
  if ("WebSocket" in window) connect();
})();
