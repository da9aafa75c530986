// A feed's page: follow its scan over the live connection and show the summary at the end.
(function () {
  "use strict";
  var box = document.getElementById("feed");
  var socket = window.portalSocket;
  if (!box || !socket) { return; }
  var feedId = parseInt(box.dataset.feedId, 10);

  function set(id, value) {
    var el = document.getElementById(id);
    if (el) { el.textContent = String(value); }
  }

  var finished = box.dataset.status === "done" || box.dataset.status === "failed";

  function show(data) {
    if (data.feed_id !== feedId || finished) { return; }
    var bar = document.getElementById("feed-bar");
    if (data.percent !== null && data.percent !== undefined) {
      bar.style.width = data.percent + "%";
      bar.textContent = data.percent + "%";
      bar.parentElement.setAttribute("aria-valuenow", String(data.percent));
    }
    set("feed-rows", data.rows);
    set("feed-scanned", data.scanned);
    set("feed-hits", data.hits);
    set("feed-bad", data.bad_rows);
    if (data.done) {
      finished = true;
      // The summary (bad rows by line) is rendered by the server: load it once.
      window.location.reload();
    }
  }

  socket.on("feed.progress", show);
  // Events sent before this page connected are lost; ask now and then until done.
  function poll() {
    if (finished) { return; }
    fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(show)
      .catch(function () {})
      .finally(function () { setTimeout(poll, 2000); });
  }
  if (!finished) { setTimeout(poll, 1000); }
})();
