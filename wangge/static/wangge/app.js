// Small behaviours of every page, loaded once from base.html (no inline script: see the CSP).

document.documentElement.classList.add("js");

// The language applies as soon as it is chosen (its button is for pages without scripts).
document.addEventListener("change", (event) => {
  if (event.target.matches(".langswitch select")) event.target.form.requestSubmit();
});

// The inbox's filters are folded on a phone (the first case comes first) and open on a desk.
document.addEventListener("DOMContentLoaded", () => {
  if (window.matchMedia("(min-width: 720px)").matches) {
    for (const box of document.querySelectorAll("details.filterbox")) box.open = true;
  }
});
