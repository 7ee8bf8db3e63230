// The category suggested from the description, as the user types: the likeliest categories
// offered under the description, the best chosen when the suggester is sure and the user has
// not chosen one. The suggestion's number goes with the report, so the choice is measured.
(function () {
  const script = document.currentScript;
  const url = script.dataset.url;
  document.addEventListener("DOMContentLoaded", () => {
    const form = document.querySelector("form.report");
    const text = form && form.querySelector("textarea[name=description]");
    const select = form && form.querySelector("select[name=category]");
    if (!text || !select) return;
    const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    let chosenByUser = !!select.value;
    let suggestedValue = null;
    let timer = null;
    let asked = "";
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = "suggestion_id";
    form.appendChild(hidden);
    const offer = document.createElement("p");
    offer.className = "suggestions";
    offer.setAttribute("aria-live", "polite");
    text.insertAdjacentElement("afterend", offer);
    select.addEventListener("change", () => {
      if (select.value !== suggestedValue) chosenByUser = !!select.value;
    });

    function choose(value) {
      suggestedValue = String(value);
      select.value = suggestedValue;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(answer) {
      offer.replaceChildren();
      hidden.value = answer.suggestion_id || "";
      if (answer.not_a_case) {
        offer.textContent = script.dataset.notACase || "";
      }
      if (!answer.suggestions.length) return;
      const label = document.createElement("span");
      label.className = "muted";
      label.textContent = (document.documentElement.lang.startsWith("zh") ? "可能是：" : "Perhaps: ");
      offer.appendChild(label);
      answer.suggestions.slice(0, 3).forEach((item) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button button--small suggestion";
        button.dataset.code = item.code;
        button.textContent = `${item.class_name} › ${item.name} ${Math.round(item.score * 100)}%`;
        button.addEventListener("click", () => { chosenByUser = true; choose(item.id); });
        offer.appendChild(button);
      });
      if (answer.sure && !chosenByUser) choose(answer.suggestions[0].id);
    }

    function ask() {
      const words = text.value.trim();
      if (words.length < 4 || words === asked) return;
      asked = words;
      const body = new URLSearchParams({ text: words });
      fetch(url, {
        method: "POST",
        headers: { "X-CSRFToken": csrf },
        body,
        credentials: "same-origin",
      })
        .then((response) => (response.ok ? response.json() : null))
        .then((answer) => { if (answer && text.value.trim() === words) show(answer); })
        .catch(() => {}); // offline or slow: the form works without it
    }

    text.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(ask, 500);
    });
  });
})();
