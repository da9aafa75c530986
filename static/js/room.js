// A group's live room: join over the shared socket, show messages and who is here.
(function () {
  "use strict";
  var root = document.getElementById("room");
  var socket = window.portalSocket;
  if (!root || !socket) { return; }
  var slug = root.getAttribute("data-slug");
  var log = document.getElementById("room-log");
  var status = document.getElementById("room-status");
  var error = document.getElementById("chat-error");

  function line(msg) {
    var empty = document.getElementById("room-empty");
    if (empty) { empty.remove(); }
    if (log.querySelector('.chat-line[data-id="' + msg.id + '"]')) { return; }
    var div = document.createElement("div");
    div.className = "chat-line";
    div.setAttribute("data-id", msg.id);
    var who = document.createElement("strong");
    who.textContent = msg.user.name;
    var when = document.createElement("span");
    when.className = "text-muted small";
    when.appendChild(document.createTextNode(" "));
    if (msg.at && window.portalMoment) { when.appendChild(window.portalMoment(msg.at)); }
    when.appendChild(document.createTextNode(" "));
    var text = document.createElement("span");
    text.className = "chat-text";
    text.textContent = msg.text;
    div.appendChild(who); div.appendChild(when); div.appendChild(text);
    // In the order said: what was missed (from the join's ack) can arrive after a newer
    // message that came live in the meantime.
    var later = Array.prototype.find.call(log.querySelectorAll(".chat-line[data-id]"),
      function (el) { return (parseInt(el.getAttribute("data-id"), 10) || 0) > msg.id; });
    log.insertBefore(div, later || null);
    log.scrollTop = log.scrollHeight;
  }

  function showPresence(users) {
    var list = document.getElementById("presence");
    list.textContent = "";
    users.forEach(function (u) {
      var li = document.createElement("li");
      li.textContent = u.name;
      list.appendChild(li);
    });
  }

  // The newest message this page has, sent with every join: after a lost connection (a web
  // process that died, a dropped network) the server returns what was said meanwhile.
  function lastId() {
    var newest = 0;
    log.querySelectorAll(".chat-line[data-id]").forEach(function (el) {
      newest = Math.max(newest, parseInt(el.getAttribute("data-id"), 10) || 0);
    });
    return newest;
  }

  function join() {
    socket.emit("join_group", { slug: slug, after: lastId() }, function (ack) {
      if (ack && ack.ok) {
        (ack.missed || []).forEach(line);
        status.textContent = status.getAttribute("data-connected");
        root.setAttribute("data-joined", "yes");
        showPresence(ack.users || []);
      } else {
        status.textContent = status.getAttribute("data-refused");
        root.setAttribute("data-joined", "no");
      }
    });
  }

  socket.on("connect", join);
  if (socket.connected) { join(); }
  socket.on("chat.message", function (msg) { if (msg.slug === slug) { line(msg); } });
  socket.on("presence", function (data) { if (data.slug === slug) { showPresence(data.users); } });

  document.getElementById("chat-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var input = document.getElementById("chat-text");
    var text = input.value.trim();
    if (!text) { return; }
    // Cleared on send, not on the server's answer: what is typed meanwhile is the next
    // message and must survive the previous one's acknowledgement.
    input.value = "";
    socket.emit("chat", { slug: slug, text: text }, function (ack) {
      if (ack && ack.ok) {
        error.classList.add("d-none");
      } else {
        if (!input.value) { input.value = text; }  // a refused message is not lost
        error.textContent = error.getAttribute(ack && ack.error === "rate_limited" ? "data-too-fast" : "data-failed");
        error.classList.remove("d-none");
      }
    });
  });
})();
