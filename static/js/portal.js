// Small behaviours shared by every page; no inline scripts (CSP script-src 'self').
(function () {
  "use strict";
  // Forms that ask before doing something that cannot be undone.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
  // Wide tables scroll inside their own box, with a hint under it while columns are hidden.
  var hintText = document.body.getAttribute("data-scroll-hint") || "";
  function boxTables(root) {
    root.querySelectorAll("main table").forEach(function (table) {
      if (!table.closest(".table-responsive")) {
        var box = document.createElement("div");
        box.className = "table-responsive";
        table.parentNode.insertBefore(box, table);
        box.appendChild(table);
      }
    });
    root.querySelectorAll(".table-responsive").forEach(function (box) {
      var next = box.nextElementSibling;
      if (!next || !next.classList.contains("scroll-hint")) {
        var hint = document.createElement("p");
        hint.className = "scroll-hint small text-muted mt-1";
        hint.textContent = "\u2194 " + hintText;
        box.parentNode.insertBefore(hint, box.nextSibling);
      }
    });
    markOverflow();
  }
  // A box that scrolls can be reached and scrolled from the keyboard, and says what it is.
  function markOverflow() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var over = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("is-overflowing", over);
      if (over) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", hintText);
      } else if (box.getAttribute("role") === "region") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  boxTables(document);
  window.addEventListener("resize", markOverflow);
  document.body.addEventListener("htmx:afterSettle", function () { boxTables(document); });
  // htmx requests carry the CSRF token of the page.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { event.detail.headers["X-CSRFToken"] = meta.content; }
  });
})();
