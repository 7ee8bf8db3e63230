// 网格通's outbox: what the phone keeps until it can send it (IndexedDB "wangge-field", store
// "outbox": reports, steps on cases, patrol check-ins), and their sending. Shared by the page
// (field.js) and the service worker (background sync, which sends even with the app closed), so
// that whichever runs when the signal returns sends, one at a time, in the order saved. Each item
// carries the key the phone made when it was saved, and the server takes each key once: an item
// whose answer was lost is sent again without a second case.
(function (scope) {
  const NAME = "wangge-outbox";
  const KEEP_SENT_MS = 3 * 24 * 3600 * 1000; // what was sent stays listed on the phone for 3 days
  // Tells the page that the outbox changed, whoever changed it (the service worker may send).
  const changes = typeof BroadcastChannel === "function" ? new BroadcastChannel(NAME) : null;

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

  function keep(item) {
    return store("readwrite", (outbox) => outbox.put(item)).then(() => {
      if (changes) changes.postMessage(item.key);
    });
  }

  function forgetOldSent() {
    const before = Date.now() - KEEP_SENT_MS;
    return store("readwrite", (outbox) => {
      outbox.openCursor().onsuccess = (event) => {
        const cursor = event.target.result;
        if (!cursor) return;
        if (cursor.value.state === "sent" && cursor.value.saved < before) cursor.delete();
        cursor.continue();
      };
    });
  }

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  class LoggedOut extends Error {}

  // One sender at a time, across the page and the service worker.
  function exclusively(work) {
    return scope.navigator.locks ? scope.navigator.locks.request(NAME, work) : work();
  }

  function post(url, item, csrf, body, type) {
    const headers = { "X-CSRFToken": csrf, "Idempotency-Key": item.key };
    if (type) headers["Content-Type"] = type;
    return fetch(url, { method: "POST", body, credentials: "same-origin", headers })
      .then((answer) => answer.json().then((reply) => ({ status: answer.status, ok: answer.ok, reply })));
  }

  function withPhotos(name, value, photos) {
    const body = new FormData();
    body.append(name, JSON.stringify(value));
    photos.forEach((photo, number) => body.append("photos", photo, photo.name || `photo-${number}.jpg`));
    return body;
  }

  const said = (reply) => Object.values(reply.errors || {}).flat().join(" ") || reply.detail;

  // Each answer's meaning: kept as sent, refused (stays on the phone with the server's words), a
  // conflict (the case moved on), or thrown: not logged in, or the server is not well, so the
  // item stays waiting and is tried again later.
  const senders = {
    report(item, csrf, urls) {
      return post(urls.report, item, csrf, withPhotos("report", item.report, item.photos)).then(({ status, ok, reply }) => {
        if (ok) return keep({ ...item, state: "sent", code: reply.code, photos: [] });
        if (status === 400) return keep({ ...item, state: "refused", error: said(reply) });
        throw new Error(reply.detail);
      });
    },
    step(item, csrf, urls) {
      const url = urls.step.replace("CODE", item.code).replace("ACTION", item.action);
      return post(url, item, csrf, withPhotos("inputs", item.inputs, item.photos)).then(({ status, ok, reply }) => {
        if (ok) return keep({ ...item, state: "sent", status: reply.status, photos: [] });
        if (status === 409) return keep({ ...item, state: "conflict", error: reply.detail, photos: [] });
        if (status === 400 || status === 404) return keep({ ...item, state: "refused", error: said(reply) });
        throw new Error(reply.detail);
      });
    },
    // Once sent, the position leaves the phone too: only the grid's name is kept to show.
    patrol(item, csrf, urls) {
      const body = JSON.stringify({ ...item.position, at: item.at });
      return post(urls.patrol, item, csrf, body, "application/json").then(({ status, ok, reply }) => {
        const { position, ...rest } = item;
        if (ok) return keep({ ...rest, state: "sent", grid: reply.grid_name });
        if (status === 400) return keep({ ...rest, state: "refused", error: reply.detail });
        throw new Error(reply.detail);
      });
    },
  };

  // Everything waiting, in order. The form token is asked afresh (the page kept may be older
  // than the last login). Rejects when something could not be sent; LoggedOut when the session
  // ended. `urls`: hello, report, step (with CODE and ACTION in it), patrol.
  function sendAll(urls) {
    return exclusively(() => fetch(urls.hello, { credentials: "same-origin", cache: "no-store" })
      .then((answer) => answer.json().then((body) => {
        if (!answer.ok) throw new LoggedOut(body.detail);
        return body.csrf;
      }))
      .then((csrf) => kept().then((items) => items
        .filter((item) => item.state === "waiting")
        .reduce((done, item) => done.then(() => senders[item.kind || "report"](item, csrf, urls)), Promise.resolve()))));
  }

  scope.wanggeOutbox = { kept, keep, newKey, forgetOldSent, sendAll, LoggedOut, NAME };
})(self);
