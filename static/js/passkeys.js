// Passkeys (WebAuthn): add one on the two-factor page, use one at the second step of
// signing in. The server's options come as JSON with base64url buffers.
(function () {
  "use strict";
  if (!window.PublicKeyCredential) { return; }

  function toBuffer(b64url) {
    var b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var raw = atob(b64), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes.buffer;
  }
  function toB64url(buffer) {
    var bytes = new Uint8Array(buffer), raw = "";
    for (var i = 0; i < bytes.length; i++) { raw += String.fromCharCode(bytes[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function post(url, body) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return fetch(url, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": meta ? meta.content : ""},
      body: JSON.stringify(body || {})});
  }
  function descriptors(list) {
    return (list || []).map(function (c) { return {type: c.type, id: toBuffer(c.id), transports: c.transports}; });
  }
  function fail(el, message) {
    var box = document.getElementById(el);
    if (box) { box.textContent = message; box.classList.remove("d-none"); }
  }

  var add = document.getElementById("passkey-add");
  if (add) {
    add.addEventListener("click", function () {
      var name = (document.getElementById("passkey-name") || {}).value || "";
      post(add.dataset.options).then(function (r) { return r.json(); }).then(function (o) {
        o.challenge = toBuffer(o.challenge);
        o.user.id = toBuffer(o.user.id);
        o.excludeCredentials = descriptors(o.excludeCredentials);
        return navigator.credentials.create({publicKey: o});
      }).then(function (cred) {
        return post(add.dataset.url, {name: name, credential: {
          id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
          response: {clientDataJSON: toB64url(cred.response.clientDataJSON),
                     attestationObject: toB64url(cred.response.attestationObject),
                     transports: cred.response.getTransports ? cred.response.getTransports() : []},
          clientExtensionResults: cred.getClientExtensionResults()}});
      }).then(function (r) {
        if (r.status === 201) { window.location.reload(); } else { fail("passkey-error", add.dataset.failed); }
      }).catch(function () { fail("passkey-error", add.dataset.failed); });
    });
  }

  var use = document.getElementById("passkey-use");
  if (use) {
    use.addEventListener("click", function () {
      post(use.dataset.options).then(function (r) { return r.json(); }).then(function (o) {
        o.challenge = toBuffer(o.challenge);
        o.allowCredentials = descriptors(o.allowCredentials);
        return navigator.credentials.get({publicKey: o});
      }).then(function (cred) {
        return post(use.dataset.url, {credential: {
          id: cred.id, rawId: toB64url(cred.rawId), type: cred.type,
          response: {clientDataJSON: toB64url(cred.response.clientDataJSON),
                     authenticatorData: toB64url(cred.response.authenticatorData),
                     signature: toB64url(cred.response.signature),
                     userHandle: cred.response.userHandle ? toB64url(cred.response.userHandle) : null},
          clientExtensionResults: cred.getClientExtensionResults()}});
      }).then(function (r) {
        if (r.status !== 200) { throw new Error("refused"); }
        return r.json();
      }).then(function (body) { window.location.assign(body.next); })
        .catch(function () { fail("passkey-error", use.dataset.failed); });
    });
  }
})();
