/* Kiosk mode: on-screen keypad, idle countdown that ends the session, print button. */
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.dataset.idle || "120", 10);
  var warnAt = Math.min(30, Math.floor(idle / 2));
  var last = Date.now();
  var lastPing = Date.now();
  var box = document.getElementById("kiosk-countdown");
  var seconds = document.getElementById("kiosk-seconds");

  function ping() {
    if (!body.dataset.pingUrl || Date.now() - lastPing < 15000) return;
    lastPing = Date.now();
    fetch(body.dataset.pingUrl, { method: "POST", headers: { "X-CSRFToken": body.dataset.csrf || "" }, credentials: "same-origin" });
  }

  function activity() {
    last = Date.now();
    if (box) box.hidden = true;
    ping();
  }

  ["pointerdown", "keydown", "touchstart"].forEach(function (name) {
    document.addEventListener(name, activity, { passive: true });
  });

  var returnAfter = parseInt(body.dataset.returnAfter || "0", 10);
  setInterval(function () {
    var gone = (Date.now() - last) / 1000;
    if (returnAfter && gone >= returnAfter) { window.location.href = "/portal/kiosk/"; return; }
    var left = Math.ceil(idle - gone);
    if (!body.dataset.active || !document.getElementById("kiosk-timeout")) return;  // nobody's session
    if (left <= 0) { document.getElementById("kiosk-timeout").submit(); return; }
    if (box && left <= warnAt) { box.hidden = false; seconds.textContent = String(left); }
  }, 500);

  var stay = document.getElementById("kiosk-stay");
  if (stay) stay.addEventListener("click", activity);

  document.querySelectorAll(".keypad").forEach(function (pad) {
    var input = document.getElementById(pad.dataset.keypadFor);
    if (!input) return;
    var max = parseInt(input.getAttribute("maxlength") || "32", 10);
    pad.addEventListener("click", function (event) {
      var key = event.target.closest("[data-key]");
      if (!key) return;
      var k = key.dataset.key;
      if (k === "back") input.value = input.value.slice(0, -1);
      else if (k === "clear") input.value = "";
      else if (input.value.length < max) input.value += k;
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      var frame = document.getElementById(button.dataset.print);
      try { frame.contentWindow.focus(); frame.contentWindow.print(); }
      catch (e) { window.open(frame.src, "_blank"); }
    });
  });
})();
