/* Keeps an emergency's report countdowns ticking between page loads (no inline script: CSP). */
(function () {
  "use strict";
  function tick() {
    document.querySelectorAll(".countdown[data-due]").forEach(function (element) {
      var minutes = Math.floor((Date.parse(element.dataset.due) - Date.now()) / 60000);
      var time = element.querySelector(".countdown__time");
      if (!time) {
        return;
      }
      var late = minutes < 0;
      element.classList.toggle("countdown--late", late);
      var format = late ? element.dataset.late : element.dataset.left;
      time.textContent = format.replace("{m}", String(Math.abs(minutes)));
    });
  }
  tick();
  window.setInterval(tick, 15000);
})();
