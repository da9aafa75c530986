// An open thread: replies by others appear as they are posted.
(function () {
  "use strict";
  var posts = document.getElementById("posts");
  var socket = window.portalSocket;
  if (!posts || !socket) { return; }
  var threadId = parseInt(posts.getAttribute("data-thread"), 10);

  function join() {
    socket.emit("join_thread", { id: threadId }, function (ack) {
      posts.setAttribute("data-live", ack && ack.ok ? "yes" : "no");
    });
  }
  socket.on("connect", join);
  if (socket.connected) { join(); }

  socket.on("thread.post", function (post) {
    if (post.thread_id !== threadId || document.getElementById("post-" + post.id)) { return; }
    var card = document.createElement("article");
    card.className = "card mb-2 post live-post";
    card.id = "post-" + post.id;
    card.setAttribute("data-id", post.id);
    var head = document.createElement("div");
    head.className = "card-header small";
    var who = document.createElement("strong");
    who.textContent = post.author.name;
    head.appendChild(who);
    var body = document.createElement("div");
    body.className = "card-body post-body";
    // The server sends HTML it has already sanitised (Markdown, then nh3).
    body.innerHTML = post.html;
    card.appendChild(head);
    card.appendChild(body);
    posts.appendChild(card);
  });
})();
