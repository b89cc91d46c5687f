// The organiser's "Live now" page: polls /api/v1/livestreams/audience every few seconds, keeps
// the table's figures current and draws viewers over time, one line per stream (Chart.js 4).
// Points are kept for the last hour the page has been open.
(() => {
  "use strict";
  const configNode = document.getElementById("live-dashboard-config");
  const canvas = document.getElementById("live-chart");
  if (!configNode || !canvas || !window.Chart) return;
  const config = JSON.parse(configNode.textContent);
  const KEEP = Math.ceil(3600 / config.every_s);
  const lang = document.documentElement.lang || "en";
  const format = new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  const labels = [];
  const series = new Map(); // stream id -> dataset
  const chart = new window.Chart(canvas, {
    type: "line",
    data: { labels, datasets: [] },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom" } },
    },
  });

  function title(row) {
    return lang.startsWith("zh") && row.title_zh ? row.title_zh : row.title_en;
  }

  function updateTable(row) {
    const tr = document.querySelector(`tr[data-stream-id="${row.stream_id}"]`);
    if (!tr) return;
    for (const field of ["online", "peak", "onsite"]) {
      const cell = tr.querySelector(`[data-field="${field}"]`);
      if (cell && cell.textContent.trim() !== String(row[field])) cell.textContent = String(row[field]);
    }
  }

  async function poll() {
    try {
      const response = await fetch(config.source, { headers: { accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return;
      const rows = await response.json();
      labels.push(format.format(new Date()));
      for (const row of rows) {
        let dataset = series.get(row.stream_id);
        if (!dataset) {
          dataset = { label: title(row), data: labels.slice(0, -1).map(() => null), tension: 0.25, pointRadius: 0, spanGaps: true };
          series.set(row.stream_id, dataset);
          chart.data.datasets.push(dataset);
        }
        dataset.data.push(row.online);
        updateTable(row);
      }
      for (const dataset of series.values()) {
        if (dataset.data.length < labels.length) dataset.data.push(null); // a stream that ended
      }
      if (labels.length > KEEP) {
        labels.shift();
        for (const dataset of series.values()) dataset.data.shift();
      }
      chart.update();
    } catch (error) {
      // offline for a moment: the next poll catches up
    } finally {
      setTimeout(poll, config.every_s * 1000);
    }
  }

  poll();
})();
