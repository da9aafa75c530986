// The hit list: say when new hits arrive (the staff room gets "hits.new").
(function () {
  "use strict";
  var banner = document.getElementById("live-hits");
  var socket = window.portalSocket;
  if (!banner || !socket) { return; }
  var count = 0;
  socket.on("hits.new", function (data) {
    count += data.new_hits || 0;
    document.getElementById("live-hits-count").textContent = String(count);
    banner.classList.remove("d-none");
  });
})();
