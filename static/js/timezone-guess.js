// First sign-in: the browser's time zone becomes the person's until they choose one on the
// profile. The server stores it only while none is set and only if it is a known zone.
(function () {
  "use strict";
  var script = document.currentScript;
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone || !script) { return; }
  var token = document.querySelector('meta[name="csrf-token"]').content;
  fetch(script.getAttribute("data-url"), {
    method: "POST",
    credentials: "same-origin",
    headers: {"Content-Type": "application/json", "Accept": "application/json",
              "X-CSRFToken": token},
    body: JSON.stringify({timezone: zone})
  });
})();
