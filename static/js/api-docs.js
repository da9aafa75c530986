// Renders the API documentation from the OpenAPI document with the vendored Swagger UI.
// An external script, not an inline one, so the page keeps the strict CSP.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.portalApiDocs = window.SwaggerUIBundle({
    url: root.dataset.spec,
    domNode: root,
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // No call to the public validator: the page talks to this server only.
    validatorUrl: null,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    onComplete: function () {
      root.dataset.rendered = "1";
      var plain = document.getElementById("plain-operations");
      if (plain) {
        plain.open = false;
      }
    }
  });
})();
