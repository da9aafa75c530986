// Test purchase report charts: data comes from data- attributes (no inline script under the CSP).
document.querySelectorAll("canvas.tp-chart").forEach((canvas) => {
  const labels = JSON.parse(canvas.dataset.labels || "[]");
  let values = JSON.parse(canvas.dataset.values || "[]");
  if (canvas.dataset.minor) values = values.map((v) => v / 100);
  // eslint-disable-next-line no-undef
  new Chart(canvas, {
    type: canvas.dataset.kind,
    data: { labels, datasets: [{ data: values, label: canvas.getAttribute("aria-label") }] },
    options: { plugins: { legend: { display: canvas.dataset.kind !== "bar" } } },
  });
});
