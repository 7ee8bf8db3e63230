// 网格通: installs the service worker that keeps the app on the phone, and says plainly when the
// page shown is the one kept from the last time there was signal.
(function () {
  const script = document.currentScript;
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(script.dataset.worker).catch(() => {});
  }
  function show() {
    const offline = !navigator.onLine;
    document.querySelectorAll(".field__offline").forEach((element) => { element.hidden = !offline; });
    document.querySelectorAll(".field__online").forEach((element) => { element.hidden = offline; });
  }
  window.addEventListener("online", show);
  window.addEventListener("offline", show);
  document.addEventListener("DOMContentLoaded", show);
})();
