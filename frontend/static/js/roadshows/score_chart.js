// The histogram of judges' totals on the organiser's results page (Chart.js 4, global `Chart`).
//
// The page embeds the bars as JSON (#score-chart-config: labels, counts, translated strings);
// without JavaScript the page lists the same figures in a <noscript> block.
(() => {
  "use strict";
  const configNode = document.getElementById("score-chart-config");
  const canvas = document.getElementById("score-chart");
  if (!configNode || !canvas || typeof window.Chart === "undefined") return;
  const config = JSON.parse(configNode.textContent);
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: config.labels,
      datasets: [{ label: config.strings.scores, data: config.counts, backgroundColor: "#1e88e5" }],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: {
        x: { grid: { display: false }, ticks: { maxRotation: 0 } },
        y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: config.strings.axis } },
      },
    },
  });
})();
