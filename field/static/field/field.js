// 网格通: installs the service worker that keeps the app on the phone; says plainly when the page
// shown is the one kept from the last time there was signal; keeps reports, steps and patrol
// check-ins on the phone (outbox.js) and lists them; sends them when there is signal: on opening,
// when the signal returns and after a failed try, and asks the browser to wake the service worker
// for it (background sync) where it can, so that they go even if the app is closed first.
(function () {
  const script = document.currentScript;
  const { kept, keep, newKey } = window.wanggeOutbox;
  const RETRY_MS = 5000; // after a failed try, while the phone says it has signal
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(script.dataset.worker).catch(() => {});
  }

  function showSignal() {
    const offline = !navigator.onLine;
    document.querySelectorAll(".field__offline").forEach((element) => { element.hidden = !offline; });
    document.querySelectorAll(".field__online").forEach((element) => { element.hidden = offline; });
  }
  window.addEventListener("online", showSignal);
  window.addEventListener("offline", showSignal);

  // --- the page ----------------------------------------------------------------------------------

  document.addEventListener("DOMContentLoaded", () => {
    showSignal();
    const form = document.getElementById("field-report");
    if (!form || !window.indexedDB) return; // an old browser: the ordinary report form
    const texts = document.getElementById("field-texts").dataset;
    const urls = JSON.parse(document.getElementById("field-urls").textContent);
    const choices = JSON.parse(document.getElementById("field-choices").textContent);
    const byCode = new Map(choices.categories.map((category) => [category.code, category]));
    const select = form.elements.category;
    const outbox = document.getElementById("outbox");
    const note = document.getElementById("outbox-note");
    const map = document.getElementById("map"); // territory/map.js: a tap or the GPS sets lon, lat
    const reportBox = document.querySelector(".field__report");
    let sending = false;

    const steps = JSON.parse(document.getElementById("field-steps").textContent);
    document.querySelectorAll(".field__queue li[data-code]").forEach((row) => offerSteps(row, steps[row.dataset.code]));
    reportBox.hidden = false;
    reportBox.addEventListener("toggle", () => {
      if (!reportBox.open || !map) return;
      if (map.dataset.loading) map.dispatchEvent(new Event("wangge:shown"));
      else loadMap();
    });

    // The map (Leaflet, territory/map.js) loads when the form is first opened, not with the
    // queue: the queue shows sooner on a slow phone. The service worker keeps both scripts.
    function loadMap() {
      map.dataset.loading = "1";
      map.dataset.scripts.split(" ").reduce((loaded, address) => loaded.then(() => new Promise((resolve, reject) => {
        const script = document.createElement("script");
        script.src = address;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      })), Promise.resolve()).catch(() => map.classList.add("map--failed"));
    }
    document.querySelector(".field__patrol").hidden = !navigator.geolocation;
    document.getElementById("field-patrol").addEventListener("click", () => {
      const problem = document.getElementById("field-patrol-note");
      navigator.geolocation.getCurrentPosition(
        (found) => keep({
          key: newKey(),
          saved: Date.now(),
          state: "waiting",
          kind: "patrol",
          at: new Date().toISOString(),
          position: { lon: found.coords.longitude, lat: found.coords.latitude },
          photos: [],
        }).then(saved),
        () => { problem.textContent = texts.noPosition; },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
      );
    });
    choices.categories.forEach((category) => {
      select.add(new Option(`${category.group} › ${category.name}`, category.code));
    });
    select.addEventListener("change", () => askQuestions(byCode.get(select.value)));

    function askQuestions(category) {
      const box = document.getElementById("field-questions");
      box.replaceChildren();
      (category ? category.questions : []).forEach((question) => {
        const label = document.createElement("label");
        label.textContent = question.question + (question.required ? " *" : "");
        let input;
        if (question.datatype === "singlevaluelist" || question.datatype === "multivaluelist") {
          input = document.createElement("select");
          input.multiple = question.datatype === "multivaluelist";
          if (!input.multiple) input.add(new Option("—", ""));
          question.choices.forEach((choice) => input.add(new Option(choice.name, choice.key)));
        } else if (question.datatype === "text") {
          input = document.createElement("textarea");
        } else {
          input = document.createElement("input");
          input.type = { number: "number", datetime: "datetime-local" }[question.datatype] || "text";
          if (input.type === "number") input.step = "any";
        }
        input.name = `attr-${question.code}`;
        input.dataset.code = question.code;
        input.dataset.datatype = question.datatype;
        label.appendChild(input);
        box.appendChild(label);
      });
    }

    function answers() {
      const found = {};
      form.querySelectorAll("[data-code]").forEach((input) => {
        let value = input.multiple ? Array.from(input.selectedOptions, (o) => o.value) : input.value.trim();
        if (value === "" || (Array.isArray(value) && !value.length)) return;
        if (input.dataset.datatype === "number") value = Number(value);
        found[input.dataset.code] = value;
      });
      return found;
    }

    // The point tapped or taken by GPS; else the centre of the worker's grid.
    function place() {
      const lon = parseFloat(form.elements.lon.value);
      const lat = parseFloat(form.elements.lat.value);
      return Number.isFinite(lon) && Number.isFinite(lat) ? { lon, lat } : choices.grid || {};
    }

    function shrunk(files) {
      const shrink = window.wanggeShrinkPhoto || ((file) => Promise.resolve(file));
      return Promise.all(Array.from(files, (file) => shrink(file)));
    }

    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return; // map.js refused the point (outside the county)
      event.preventDefault();
      const errors = document.getElementById("field-errors");
      const description = form.elements.description.value.trim();
      const attributes = answers();
      // Said now, not hours later when the server refuses it: the questions came with the page.
      const unanswered = (byCode.get(select.value) || { questions: [] }).questions
        .find((question) => question.required && !(question.code in attributes));
      if (!select.value || !description || unanswered) {
        errors.textContent = unanswered ? texts.answer.replace("{question}", unanswered.question) : texts.missing;
        errors.hidden = false;
        return;
      }
      errors.hidden = true;
      const { lon, lat } = place();
      const report = { category: select.value, description, lon, lat, attributes };
      shrunk(form.elements.photos.files)
        .then((photos) => keep({ key: newKey(), saved: Date.now(), state: "waiting", report, photos }))
        .then(() => {
          form.reset();
          askQuestions(null);
          if (map) map.dispatchEvent(new Event("wangge:reset"));
          reportBox.open = false;
        })
        .then(saved);
    });

    // The worker's steps on a case of the queue (核查 with its photo, 返工), kept like a report.
    function offerSteps(row, offered) {
      if (!offered || !offered.steps.length) return;
      const bar = document.createElement("p");
      bar.className = "field__steps";
      offered.steps.forEach((step) => {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button button--small";
        button.dataset.action = step.action;
        button.textContent = step.label;
        button.addEventListener("click", () => openStep(row, offered.status, step));
        bar.appendChild(button);
      });
      row.appendChild(bar);
    }

    function openStep(row, status, step) {
      row.querySelectorAll(".field__step").forEach((open) => open.remove());
      const box = document.createElement("form");
      box.className = "field__step";
      box.noValidate = true;
      const noteLabel = document.createElement("label");
      noteLabel.textContent = (step.note_label || texts.note) + (step.note_required ? " *" : "");
      const note = document.createElement("textarea");
      note.name = "note";
      note.rows = 2;
      noteLabel.appendChild(note);
      box.appendChild(noteLabel);
      let photos = null;
      if (step.photos) {
        const photosLabel = document.createElement("label");
        photosLabel.textContent = texts.photos;
        photos = document.createElement("input");
        photos.type = "file";
        photos.name = "photos";
        photos.accept = "image/*";
        photos.multiple = true;
        photosLabel.appendChild(photos);
        box.appendChild(photosLabel);
      }
      const problem = document.createElement("p");
      problem.className = "errors";
      problem.hidden = true;
      const save = document.createElement("button");
      save.type = "submit";
      save.className = "button button--primary";
      save.textContent = `${step.label} · ${texts.save}`;
      box.append(problem, save);
      box.addEventListener("submit", (event) => {
        event.preventDefault();
        if (step.note_required && !note.value.trim()) {
          problem.textContent = texts.reason;
          problem.hidden = false;
          return;
        }
        shrunk(photos ? photos.files : [])
          .then((shrunkPhotos) => keep({
            key: newKey(),
            saved: Date.now(),
            state: "waiting",
            kind: "step",
            code: row.dataset.code,
            action: step.action,
            label: step.label,
            inputs: { note: note.value.trim(), expected_status: status },
            photos: shrunkPhotos,
          }))
          .then(() => box.remove())
          .then(saved);
      });
      row.appendChild(box);
    }

    // A step taken, or refused because the case moved on, changes the queue: the page fetches it
    // again, whoever sent the step (this page or the service worker).
    let stepsAnswered = null; // as the page was made: its queue shows them already

    function show() {
      return kept().then((items) => {
        render(items);
        const answered = items
          .filter((item) => item.kind === "step" && ["sent", "conflict"].includes(item.state))
          .map((item) => item.key);
        if (stepsAnswered && answered.some((key) => !stepsAnswered.has(key))) refreshQueue();
        stepsAnswered = new Set(answered);
        return items;
      });
    }

    function render(items) {
      document.querySelector(".field__outbox").hidden = !items.length;
      outbox.replaceChildren(...items.map((item) => {
        const row = document.createElement("li");
        row.className = `outbox__item outbox__item--${item.state}`;
        row.dataset.key = item.key;
        const title = document.createElement("strong");
        title.textContent = {
          step: () => `${item.label} · ${item.code}`,
          patrol: () => texts.patrol,
          report: () => (byCode.get(item.report.category) || { name: item.report.category }).name,
        }[item.kind || "report"]();
        const state = document.createElement("span");
        state.className = "outbox__state";
        state.textContent = {
          waiting: texts.waiting,
          sending: texts.sending,
          sent: {
            step: () => texts.done.replace("{code}", item.code).replace("{status}", item.status || ""),
            patrol: () => texts.patrolled.replace("{grid}", item.grid || ""),
            report: () => texts.sent.replace("{code}", item.code || ""),
          }[item.kind || "report"](),
          refused: `${texts.refused} ${item.error || ""}`,
          conflict: item.error, // the server's words: what the case is now
        }[item.state];
        const words = document.createElement("span");
        words.className = "muted";
        words.textContent = {
          step: () => item.inputs.note,
          patrol: () => new Date(item.at).toLocaleString(),
          report: () => item.report.description,
        }[item.kind || "report"]();
        row.append(title, " · ", state, words);
        return row;
      }));
    }

    // Asks the browser to wake the service worker when there is signal, to send what is kept
    // even if the app is closed by then (Chromium; elsewhere the next opening sends it).
    function sendInBackground() {
      if (!("serviceWorker" in navigator)) return;
      navigator.serviceWorker.ready
        .then((registration) => registration.sync && registration.sync.register(window.wanggeOutbox.NAME))
        .catch(() => {});
    }

    function saved() {
      sendInBackground();
      return show().then(send);
    }

    // What the server refused stays on the phone, said plainly; a failure is tried again later.
    function send() {
      if (sending || !navigator.onLine) return Promise.resolve();
      sending = true;
      let retry = false;
      // Again later after a failure, and for anything still waiting (saved during this pass).
      const finish = () => show().then((items) => {
        sending = false;
        if (retry || items.some((item) => item.state === "waiting")) setTimeout(send, RETRY_MS);
      });
      return window.wanggeOutbox.sendAll(urls)
        .then(() => { note.hidden = true; })
        .catch((error) => {
          retry = true;
          if (error instanceof window.wanggeOutbox.LoggedOut) {
            note.textContent = texts.login;
            note.hidden = false;
          }
          console.warn("网格通: not sent, trying again later:", error);
        })
        .then(finish);
    }

    function refreshQueue() {
      return fetch(location.pathname, { credentials: "same-origin", cache: "no-store" })
        .then((answer) => (answer.ok && !answer.redirected ? answer.text() : Promise.reject(new Error(answer.status))))
        .then((html) => {
          const page = new DOMParser().parseFromString(html, "text/html");
          ["#queue-title", "#queue", ".field__status"].forEach((selector) => {
            const now = page.querySelector(selector);
            if (now) document.querySelector(selector).replaceWith(document.adoptNode(now));
          });
          const offered = JSON.parse(page.getElementById("field-steps").textContent);
          document.querySelectorAll("#queue li[data-code]").forEach((row) => offerSteps(row, offered[row.dataset.code]));
          showSignal();
        })
        .catch((error) => console.warn("网格通: the queue was not refreshed:", error));
    }

    window.addEventListener("online", send);
    if (typeof BroadcastChannel === "function") {
      new BroadcastChannel(window.wanggeOutbox.NAME).onmessage = () => show();
    }
    window.wanggeOutbox.forgetOldSent().then(show)
      .then(() => performance.mark("wangge-field-ready")) // the queue and the phone's outbox shown
      .then(send);
  });
})();
