// The Advisory Board's figures chart: data comes from the canvas's data- attributes
// (the Content-Security-Policy forbids inline script).
(function () {
  "use strict";
  var canvas = document.getElementById("figures-chart");
  if (!canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(canvas.dataset.chart);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.years,
      datasets: [
        { label: canvas.dataset.labelDecision, data: data.decision, backgroundColor: "#0d6efd" },
        { label: canvas.dataset.labelResponse, data: data.response, backgroundColor: "#20c997" }
      ]
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false,
               scales: { y: { beginAtZero: true } } }
  });
})();
