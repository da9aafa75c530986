// Drag a planned test purchase to another day to reschedule it (the server checks clashes).
(function () {
  "use strict";
  var dragged = null;
  var message = document.getElementById("calendar-message");
  document.querySelectorAll(".tp-item[draggable=true]").forEach(function (item) {
    item.addEventListener("dragstart", function (event) {
      dragged = item;
      event.dataTransfer.setData("text/plain", item.dataset.rescheduleUrl);
    });
  });
  document.querySelectorAll("td[data-day]").forEach(function (cell) {
    cell.addEventListener("dragover", function (event) {
      if (dragged) { event.preventDefault(); }
    });
    cell.addEventListener("drop", function (event) {
      event.preventDefault();
      if (!dragged) { return; }
      var item = dragged;
      dragged = null;
      var token = document.querySelector('meta[name="csrf-token"]').content;
      fetch(item.dataset.rescheduleUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "Accept": "application/json",
                  "X-CSRFToken": token},
        // The day only: the buy keeps its time of day on the reader's clock.
        body: JSON.stringify({date: cell.dataset.day})
      }).then(function (response) {
        if (response.ok) { window.location.reload(); return null; }
        return response.json().then(function (body) {
          var error = body.error || {};
          var fields = error.fields ? Object.values(error.fields).join(" ") : "";
          message.textContent = fields || error.message || response.statusText;
          message.classList.remove("d-none");
        });
      });
    });
  });
})();
