// The weekly chart of a tip's feedback page (data in the canvas's data attributes: CSP).
(function () {
  "use strict";
  var canvas = document.getElementById("feedback-chart");
  if (!canvas || typeof Chart === "undefined") { return; }
  var weeks = JSON.parse(canvas.getAttribute("data-series") || "[]");
  function series(key) { return weeks.map(function (w) { return w[key]; }); }
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: weeks.map(function (w) { return w.week; }),
      datasets: [
        { label: canvas.dataset.labelHits, data: series("hits") },
        { label: canvas.dataset.labelTakenDown, data: series("taken_down") },
        { label: canvas.dataset.labelCounterfeit, data: series("confirmed_counterfeit") }
      ]
    },
    options: { responsive: true, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
})();
