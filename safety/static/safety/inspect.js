/* The inspection form (safety/inspect.html): the score as items are marked, and a button that
 * marks every item not yet marked as pass. The server scores the inspection itself; this only
 * shows the inspector where it stands. Without this script the form works as plain HTML.
 * (cases/static/cases/photos.js may write a refused form's page anew, which runs this again:
 * nothing is declared at the top level.) */
(function () {
  "use strict";

  const form = document.querySelector("form[data-inspection]");
  if (!form) {
    return;
  }
  const items = Array.from(form.querySelectorAll(".check-item"));
  const box = form.querySelector("[data-score]");
  const restPass = form.querySelector("[data-rest-pass]");
  const passMark = parseFloat(form.dataset.passMark);

  function marked(item) {
    const checked = item.querySelector(".toggle input:checked");
    return checked ? checked.value : null;
  }

  function show() {
    let total = 0;
    let passed = 0;
    let answered = 0;
    let vetoed = false;
    items.forEach(function (item) {
      const weight = parseInt(item.dataset.weight, 10) || 0;
      const value = marked(item);
      total += weight;
      if (value) {
        answered += 1;
      }
      if (value === "pass") {
        passed += weight;
      }
      if (value === "fail" && item.hasAttribute("data-veto")) {
        vetoed = true;
      }
    });
    const score = total ? Math.round((1000 * passed) / total) / 10 : 0;
    let text = form.dataset.textScore
      .replace("{score}", score.toFixed(1))
      .replace("{answered}", answered)
      .replace("{count}", items.length);
    let failing = vetoed;
    if (answered === items.length) {
      failing = vetoed || score < passMark;
      text +=
        " · " +
        (vetoed
          ? form.dataset.textVetoed
          : failing
            ? form.dataset.textFails
            : form.dataset.textPasses);
    }
    box.textContent = text;
    box.classList.toggle("inspection-score--failed", failing);
    box.hidden = false;
    restPass.hidden = answered === items.length;
  }

  restPass.addEventListener("click", function () {
    items.forEach(function (item) {
      if (!marked(item)) {
        item.querySelector('.toggle input[value="pass"]').checked = true;
      }
    });
    show();
  });
  form.addEventListener("change", function (event) {
    if (event.target.closest(".toggle")) {
      show();
    }
  });
  show();
})();
