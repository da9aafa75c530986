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

  // The reply as the server renders it for this reader (organisation, time, edit link,
  // linked mentions), so a live reply reads like a reloaded one.
  var postUrl = posts.getAttribute("data-post-url");

  function shown(id) { return document.getElementById("post-" + id); }

  function insertRendered(post) {
    return fetch(postUrl + post.id, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        if (shown(post.id)) { return; }
        var holder = document.createElement("template");
        holder.innerHTML = html.trim();  // rendered and sanitised by the server
        var card = holder.content.querySelector("article.post");
        if (card) { posts.appendChild(card); }
      });
  }

  function insertPlain(post) {
    if (shown(post.id)) { return; }
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
  }

  socket.on("thread.post", function (post) {
    if (post.thread_id !== threadId || shown(post.id)) { return; }
    insertRendered(post).catch(function () { insertPlain(post); });
  });
})();
