// The report form's category search: typing narrows the grouped list of categories; one match
// is chosen at once. Without scripts the grouped list works as it is.
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll("[data-category-search]")) {
    const select = document.getElementById(box.dataset.categorySearch);
    const input = box.querySelector("input");
    if (!select || !input) continue;
    box.hidden = false;
    input.addEventListener("input", () => {
      const words = input.value.trim().toLowerCase();
      let matches = [];
      for (const group of select.querySelectorAll("optgroup")) {
        let shown = 0;
        for (const option of group.querySelectorAll("option")) {
          const text = `${group.label} ${option.textContent}`.toLowerCase();
          const hit = !words || text.includes(words);
          option.hidden = !hit;
          if (hit) {
            shown += 1;
            matches.push(option);
          }
        }
        group.hidden = shown === 0;
      }
      if (words && matches.length === 1 && select.value !== matches[0].value) {
        select.value = matches[0].value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
      box.querySelector("[data-count]").textContent = words ? box.dataset.countText.replace("{count}", matches.length) : "";
    });
  }
});
