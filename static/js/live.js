// The live connection: the notification bell and toasts; pages add their own listeners.
(function () {
  "use strict";
  if (typeof io === "undefined") { return; }
  var socket = io({ transports: ["websocket", "polling"] });
  window.portalSocket = socket;

  function setCount(n) {
    var badge = document.getElementById("bell-count");
    if (!badge) { return; }
    badge.textContent = String(n);
    badge.classList.toggle("d-none", n <= 0);
    var word = document.getElementById("bell-unread");
    if (word) { word.classList.toggle("d-none", n <= 0); }
  }

  function toast(data) {
    var box = document.getElementById("live-toasts");
    if (!box) { return; }
    var el = document.createElement("div");
    el.className = "toast show live-notification";
    el.setAttribute("role", "status");
    var body = document.createElement("div");
    body.className = "toast-body";
    var link = document.createElement("a");
    link.href = data.url || "/notifications";
    link.textContent = data.title || data.type;
    body.appendChild(link);
    el.appendChild(body);
    box.appendChild(el);
    setTimeout(function () { el.remove(); }, 10000);
  }

  socket.on("notification", function (data) {
    var badge = document.getElementById("bell-count");
    var current = badge ? parseInt(badge.textContent || "0", 10) || 0 : 0;
    setCount(current + 1);
    toast(data);
    document.dispatchEvent(new CustomEvent("portal:notification", { detail: data }));
  });
})();
