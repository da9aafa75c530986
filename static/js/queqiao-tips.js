// Tip detail page: a common vetting reason fills in the reason field (no inline script: CSP).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".reason-template");
    if (!button) { return; }
    var field = document.querySelector("#review-form textarea[name=reason]");
    if (!field) { return; }
    field.value = field.value ? field.value + "\n" + button.dataset.reason : button.dataset.reason;
    field.focus();
  });
})();
