/* riskmap: open a passphrase-protected map (AES-256-GCM, PBKDF2-HMAC-SHA256).
   WebCrypto when the page is a secure context; the inlined noble build otherwise. */
(function () {
  "use strict";
  var ui = JSON.parse(document.getElementById("rm-ui").textContent);
  var payload = JSON.parse(document.getElementById("rm-payload").textContent);
  var form = document.getElementById("rm-unlock");
  var input = document.getElementById("rm-pass");
  var button = document.getElementById("rm-open");
  var statusEl = document.getElementById("rm-status");

  function b64(s) {
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function say(text, isError) {
    statusEl.textContent = text;
    statusEl.className = isError ? "rm-error" : "";
  }
  var salt = b64(payload.salt), nonce = b64(payload.nonce), data = b64(payload.ciphertext);
  var aad = new TextEncoder().encode(payload.format);
  var iterations = payload.iterations;

  function subtleAvailable() {
    try { return !!(window.crypto && window.crypto.subtle && window.crypto.subtle.importKey); }
    catch (e) { return false; }
  }
  function withSubtle(pass) {
    var subtle = window.crypto.subtle;
    return subtle.importKey("raw", new TextEncoder().encode(pass), "PBKDF2", false, ["deriveKey"])
      .then(function (base) {
        return subtle.deriveKey(
          { name: "PBKDF2", hash: "SHA-256", salt: salt, iterations: iterations }, base,
          { name: "AES-GCM", length: 256 }, false, ["decrypt"]);
      })
      .then(function (key) {
        return subtle.decrypt({ name: "AES-GCM", iv: nonce, additionalData: aad, tagLength: 128 },
          key, data);
      })
      .then(function (plain) { return new Uint8Array(plain); });
  }
  function withNoble(pass) {
    var noble = window.nobleCrypto;
    if (!noble) return Promise.reject(new Error("unsupported"));
    return noble.pbkdf2Async(noble.sha256, new TextEncoder().encode(pass), salt,
      { c: iterations, dkLen: 32, asyncTick: 20 })
      .then(function (key) { return noble.gcm(key, nonce, aad).decrypt(data); });
  }
  window.riskmapUnlockMode = subtleAvailable() ? "webcrypto" : "noble";

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var pass = input.value;
    if (!pass) { say(ui.empty, true); return; }
    button.disabled = true;
    say(ui.working, false);
    var run = subtleAvailable() ? withSubtle : withNoble;
    run(pass).then(function (plain) {
      var html = new TextDecoder("utf-8").decode(plain);
      document.open();
      document.write(html);
      document.close();
    }, function (err) {
      button.disabled = false;
      input.value = "";
      input.focus();
      window.riskmapUnlockFailures = (window.riskmapUnlockFailures || 0) + 1;
      say(err && err.message === "unsupported" ? ui.unsupported : ui.wrong, true);
    });
  });
})();
