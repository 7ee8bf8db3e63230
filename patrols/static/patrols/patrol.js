/* The patrol check-in button (patrols/index.html): on a press, and only then, ask the browser
 * once for the phone's position, put it in the form and send it. The server finds the grid from
 * it and keeps the grid, never the position; nothing here watches or stores a position.
 * A random key is made once per page, so a form sent twice (a double press, a resend after a
 * dropped connection) is one check-in. Without this script the page says what to do. */
(function () {
  "use strict";

  const form = document.querySelector("form[data-patrol]");
  if (!form) {
    return;
  }
  const button = form.querySelector("button[type=submit]");
  const status = form.querySelector("[data-patrol-status]");

  function say(text) {
    status.textContent = text;
    status.hidden = false;
  }

  function randomKey() {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, function (byte) {
      return byte.toString(16).padStart(2, "0");
    }).join("");
  }

  if (!navigator.geolocation) {
    say(form.dataset.textNoLocation);
    button.disabled = true;
    return;
  }
  form.elements.client_key.value = randomKey();

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    say(form.dataset.textLocating);
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.elements.lon.value = position.coords.longitude.toFixed(6);
        form.elements.lat.value = position.coords.latitude.toFixed(6);
        form.submit(); // no submit event: this handler does not run again
      },
      function (error) {
        button.disabled = false;
        say(error.code === error.PERMISSION_DENIED ? form.dataset.textDenied : form.dataset.textFailed);
      },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 }
    );
  });
})();
