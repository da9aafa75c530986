// Relative times ("3 minutes ago") kept fresh: the server renders them right, this only
// rewrites those under six hours old once a minute. Older ones say a day or a date, which
// the server chose in the reader's own zone and which does not drift within a visit.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";
  var justNow = document.body.getAttribute("data-just-now") || "";
  var format = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(lang) : null;
  var units = [["hour", 3600], ["minute", 60], ["second", 1]];

  // The relative text of an ISO moment, or null when it is six hours or more away.
  function relative(iso) {
    var seconds = (Date.parse(iso) - Date.now()) / 1000;
    if (isNaN(seconds) || !format || Math.abs(seconds) >= 6 * 3600) { return null; }
    if (Math.abs(seconds) < 45) { return justNow; }
    for (var i = 0; i < units.length; i++) {
      var size = units[i][1], value = seconds / size;
      if (Math.abs(value) >= 1 || size === 1) { return format.format(Math.round(value), units[i][0]); }
    }
    return null;
  }

  function refresh(root) {
    (root || document).querySelectorAll("[data-relative]").forEach(function (el) {
      var text = relative(el.getAttribute("data-relative"));
      if (text) { el.textContent = text; }
    });
  }

  // A <time> for a moment that arrived live (chat lines): relative text, exact time on hover.
  window.portalMoment = function (iso) {
    var el = document.createElement("time");
    el.setAttribute("datetime", iso);
    el.setAttribute("data-relative", iso);
    el.title = new Date(iso).toLocaleString(lang);
    el.textContent = relative(iso) || new Date(iso).toLocaleString(lang);
    return el;
  };
  window.setInterval(refresh, 60000);
  document.addEventListener("htmx:afterSwap", function (event) { refresh(event.target); });
})();
