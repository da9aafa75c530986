// The reports' charts and small navigations. Chart data comes from the canvas's data-
// attributes (the Content-Security-Policy forbids inline script); the numbers are also
// in the table beside each chart.
(function () {
  "use strict";
  var canvas = document.getElementById("trend-chart");
  if (canvas && typeof Chart !== "undefined") {
    var data = JSON.parse(canvas.dataset.chart);
    var sets = [
      ["tips", canvas.dataset.labelTips, "#0d6efd"],
      ["hits", canvas.dataset.labelHits, "#6f42c1"],
      ["taken_down", canvas.dataset.labelTakenDown, "#20c997"],
      ["test_purchases", canvas.dataset.labelPurchases, "#fd7e14"]
    ];
    var datasets = [];
    sets.forEach(function (s) {
      if (data[s[0]]) { datasets.push({ type: "bar", label: s[1], data: data[s[0]], backgroundColor: s[2] }); }
    });
    if (data.members) {
      datasets.push({ type: "line", label: canvas.dataset.labelMembers, data: data.members,
                      borderColor: "#212529", yAxisID: "members" });
    }
    new Chart(canvas, {
      data: { labels: data.months, datasets: datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false,
                 scales: { y: { beginAtZero: true },
                           members: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false } } } }
    });
  }
  // Year and organisation pickers that go to another address.
  function go(select, base, extra) {
    select.addEventListener("change", function () { window.location = base + select.value + (extra || ""); });
  }
  var year = document.getElementById("annual-year");
  if (year) { go(year, year.dataset.yearNav); }
  var org = document.getElementById("org-pick");
  if (org) { go(org, org.dataset.orgNav, "?year=" + encodeURIComponent(org.dataset.year)); }
})();
