// The category suggested from the description, as the user types: the likeliest categories the
// form offers shown under the description, the best chosen when the suggester is sure and the
// user has not chosen one. Works with a <select> (the staff form) or radio buttons in folded
// groups (the residents' portal). The suggestion's number goes with the report, so the choice is
// measured. The words on screen come from the server, in the page's language.
(function () {
  const script = document.currentScript;
  const url = script.dataset.url;
  const formName = script.dataset.form || "report";
  document.addEventListener("DOMContentLoaded", () => {
    const form = document.querySelector("form.report");
    const text = form && form.querySelector("textarea[name=description]");
    const select = form && form.querySelector("select[name=category]");
    const radios = form ? Array.from(form.querySelectorAll("input[type=radio][name=category]")) : [];
    if (!text || (!select && !radios.length)) return;
    const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    const current = () => (select ? select.value : (radios.find((r) => r.checked) || {}).value || "");
    const offered = (value) =>
      select ? !!select.querySelector(`option[value="${value}"]`) : radios.some((r) => r.value === value);
    let chosenByUser = !!current();
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
    form.addEventListener("change", (event) => {
      if (event.target.name === "category" && current() !== suggestedValue) chosenByUser = !!current();
    });

    function choose(value) {
      suggestedValue = String(value);
      let changed = select;
      if (select) {
        select.value = suggestedValue;
      } else {
        changed = radios.find((r) => r.value === suggestedValue);
        changed.checked = true;
        const group = changed.closest("details");
        if (group) group.open = true;
      }
      changed.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(answer) {
      offer.replaceChildren();
      hidden.value = answer.suggestion_id || "";
      const choices = answer.suggestions.filter((item) => offered(String(item.id)));
      if (answer.not_a_case && answer.not_a_case_hint) {
        const hint = document.createElement("span");
        hint.className = "suggestions__hint";
        hint.textContent = answer.not_a_case_hint;
        offer.appendChild(hint);
      }
      if (!choices.length) return;
      const label = document.createElement("span");
      label.className = "muted";
      label.textContent = answer.perhaps;
      offer.appendChild(label);
      choices.slice(0, 3).forEach((item) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button button--small suggestion";
        button.dataset.code = item.code;
        button.textContent = `${item.class_name} › ${item.name} ${Math.round(item.score * 100)}%`;
        button.addEventListener("click", () => { chosenByUser = true; choose(item.id); });
        offer.appendChild(button);
      });
      const best = answer.suggestions[0];
      if (answer.sure && !chosenByUser && choices[0] === best) choose(best.id);
    }

    function ask() {
      const words = text.value.trim();
      if (words.length < 4 || words === asked) return;
      asked = words;
      const body = new URLSearchParams({ text: words, form: formName });
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
