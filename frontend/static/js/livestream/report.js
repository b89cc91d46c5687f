// The stream report: viewers minute by minute (Chart.js 4, global `Chart`), from the page's
// config: {"timezone", "label", "points": [[minute start in ms, viewers], ...]}. Minutes with no
// viewers are not stored; they are drawn as zero.
(() => {
  "use strict";
  const configNode = document.getElementById("report-chart-config");
  const canvas = document.getElementById("report-chart");
  if (!configNode || !canvas || !window.Chart) return;
  const config = JSON.parse(configNode.textContent);
  if (!config.points.length) return;
  const STEP = 60 * 1000;
  const format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    timeZone: config.timezone, hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  const byMinute = new Map(config.points.map(([at, n]) => [at, n]));
  const first = config.points[0][0];
  const last = config.points[config.points.length - 1][0];
  const labels = [];
  const values = [];
  for (let at = first; at <= last; at += STEP) {
    labels.push(format.format(new Date(at)));
    values.push(byMinute.get(at) || 0);
  }
  new window.Chart(canvas, {
    type: "line",
    data: { labels, datasets: [{ label: config.label, data: values, fill: true, tension: 0.25, pointRadius: 0 }] },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { display: false } },
    },
  });
})();
