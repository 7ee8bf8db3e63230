// 网格通: installs the service worker that keeps the app on the phone; says plainly when the page
// shown is the one kept from the last time there was signal; and keeps reports on the phone
// (IndexedDB), each with the key the phone made when it was saved, sending them in order when
// there is signal: on opening, when the signal returns, and after a failed try. The server files
// a report once per key, so a report whose answer was lost is sent again without a second case.
(function () {
  const script = document.currentScript;
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

  // --- the reports kept on the phone -------------------------------------------------------------

  function database() {
    return new Promise((resolve, reject) => {
      const opening = indexedDB.open("wangge-field", 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore("outbox", { keyPath: "key" });
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
  }

  function store(mode, work) {
    return database().then((db) => new Promise((resolve, reject) => {
      const transaction = db.transaction("outbox", mode);
      const result = work(transaction.objectStore("outbox"));
      transaction.oncomplete = () => resolve(result && result.result);
      transaction.onerror = () => reject(transaction.error);
    }));
  }

  const kept = () => store("readonly", (outbox) => outbox.getAll())
    .then((items) => items.sort((a, b) => a.saved - b.saved));
  const keep = (item) => store("readwrite", (outbox) => outbox.put(item));

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // --- the page ----------------------------------------------------------------------------------

  document.addEventListener("DOMContentLoaded", () => {
    showSignal();
    const form = document.getElementById("field-report");
    if (!form || !window.indexedDB) return; // an old browser: the ordinary report form
    const texts = document.getElementById("field-texts").dataset;
    const choices = JSON.parse(document.getElementById("field-choices").textContent);
    const byCode = new Map(choices.categories.map((category) => [category.code, category]));
    const select = form.elements.category;
    const outbox = document.getElementById("outbox");
    const note = document.getElementById("outbox-note");
    let position = null;
    let sending = false;

    const steps = JSON.parse(document.getElementById("field-steps").textContent);
    document.querySelectorAll(".field__queue li[data-code]").forEach((row) => offerSteps(row, steps[row.dataset.code]));
    document.querySelector(".field__report").hidden = false;
    document.querySelector(".field__patrol").hidden = !navigator.geolocation;
    document.getElementById("field-patrol").addEventListener("click", () => {
      const place = document.getElementById("field-place");
      navigator.geolocation.getCurrentPosition(
        (found) => keep({
          key: newKey(),
          saved: Date.now(),
          state: "waiting",
          kind: "patrol",
          at: new Date().toISOString(),
          position: { lon: found.coords.longitude, lat: found.coords.latitude },
          photos: [],
        }).then(show).then(send),
        () => { place.textContent = texts.noPosition; },
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

    document.getElementById("field-locate").addEventListener("click", () => {
      const place = document.getElementById("field-place");
      if (!navigator.geolocation) { place.textContent = texts.noPosition; return; }
      navigator.geolocation.getCurrentPosition(
        (found) => {
          position = { lon: found.coords.longitude, lat: found.coords.latitude };
          place.textContent = texts.located.replace("{metres}", Math.round(found.coords.accuracy));
        },
        () => { place.textContent = texts.noPosition; },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
      );
    });

    function shrunk(files) {
      const shrink = window.wanggeShrinkPhoto || ((file) => Promise.resolve(file));
      return Promise.all(Array.from(files, (file) => shrink(file)));
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const errors = document.getElementById("field-errors");
      const description = form.elements.description.value.trim();
      if (!select.value || !description) {
        errors.textContent = texts.missing;
        errors.hidden = false;
        return;
      }
      errors.hidden = true;
      const place = position || choices.grid || {};
      const report = {
        category: select.value,
        description,
        lon: place.lon,
        lat: place.lat,
        attributes: answers(),
      };
      shrunk(form.elements.photos.files)
        .then((photos) => keep({ key: newKey(), saved: Date.now(), state: "waiting", report, photos }))
        .then(() => {
          form.reset();
          askQuestions(null);
          position = null;
          document.querySelector(".field__report").open = false;
          return show();
        })
        .then(send);
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
          .then((kept) => keep({
            key: newKey(),
            saved: Date.now(),
            state: "waiting",
            kind: "step",
            code: row.dataset.code,
            action: step.action,
            label: step.label,
            inputs: { note: note.value.trim(), expected_status: status },
            photos: kept,
          }))
          .then(() => { box.remove(); return show(); })
          .then(send);
      });
      row.appendChild(box);
    }

    function show() {
      return kept().then((items) => {
        render(items);
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

    // In order, one at a time; a report the server refused stays on the phone, said plainly.
    function send() {
      if (sending || !navigator.onLine) return Promise.resolve();
      sending = true;
      let retry = false;
      // Again later after a failure, and for anything still waiting (saved during this pass).
      const finish = () => show().then((items) => {
        sending = false;
        if (retry || items.some((item) => item.state === "waiting")) setTimeout(send, RETRY_MS);
      });
      return fetch(script.dataset.hello, { credentials: "same-origin", cache: "no-store" })
        .then((answer) => answer.json().then((body) => ({ ok: answer.ok, body })))
        .then(({ ok, body }) => {
          note.hidden = ok;
          if (!ok) { note.textContent = texts.login; throw new Error(texts.login); }
          return kept().then((items) => items.filter((item) => item.state === "waiting")
            .reduce((done, item) => done.then(() => sendOne(item, body.csrf)), Promise.resolve()));
        })
        .catch((error) => { retry = true; console.warn("网格通: not sent, trying again later:", error); })
        .then(finish);
    }

    function sendOne(item, csrf) {
      return { step: sendStep, patrol: sendPatrol, report: sendReport }[item.kind || "report"](item, csrf);
    }

    // Once sent, the position leaves the phone too: only the grid's name is kept to show.
    function sendPatrol(item, csrf) {
      return fetch(texts.patrolSend, {
        method: "POST",
        body: JSON.stringify({ ...item.position, at: item.at }),
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, "Idempotency-Key": item.key, "Content-Type": "application/json" },
      }).then((answer) => answer.json().then((reply) => {
        const { position, ...rest } = item;
        if (answer.ok) return keep({ ...rest, state: "sent", grid: reply.grid_name });
        if (answer.status === 400) return keep({ ...rest, state: "refused", error: reply.detail });
        throw new Error(reply.detail);
      }));
    }

    function sendStep(item, csrf) {
      const body = new FormData();
      body.append("inputs", JSON.stringify(item.inputs));
      item.photos.forEach((photo, number) => body.append("photos", photo, photo.name || `photo-${number}.jpg`));
      const address = texts.stepSend.replace("CODE", item.code).replace("ACTION", item.action);
      return fetch(address, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, "Idempotency-Key": item.key },
      }).then((answer) => answer.json().then((reply) => {
        if (answer.ok) return keep({ ...item, state: "sent", status: reply.status, photos: [] });
        if (answer.status === 409) return keep({ ...item, state: "conflict", error: reply.detail });
        if (answer.status === 400 || answer.status === 404) {
          const said = Object.values(reply.errors || {}).flat().join(" ") || reply.detail;
          return keep({ ...item, state: "refused", error: said });
        }
        throw new Error(reply.detail);
      }));
    }

    function sendReport(item, csrf) {
      const body = new FormData();
      body.append("report", JSON.stringify(item.report));
      item.photos.forEach((photo, number) => body.append("photos", photo, photo.name || `photo-${number}.jpg`));
      return fetch(script.dataset.send, {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, "Idempotency-Key": item.key },
      }).then((answer) => answer.json().then((reply) => {
        if (answer.ok) return keep({ ...item, state: "sent", code: reply.code, photos: [] });
        if (answer.status === 400) {
          const said = Object.values(reply.errors || {}).flat().join(" ") || reply.detail;
          return keep({ ...item, state: "refused", error: said });
        }
        throw new Error(reply.detail); // not logged in, or the server is not well: try again later
      }));
    }

    window.addEventListener("online", send);
    show().then(send);
  });
})();
