// 网格通's service worker: keeps the app shell, the last page of the worker's queue and the map
// of their area on the phone, and answers from them when the network does not. Rendered by
// field.views so that it names this deployment's addresses; its cache is named after the shell's
// content.
const CACHE = "field-{{ version }}";
// Asked afresh when there is signal (and kept again), the kept copy when not: the queue page
// first, then the map's data.
const FRESH = [{% for url in fresh %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
const SHELL = [{% for url in shell %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
// What the phone keeps to send, and the sending (the page's own): background sync sends it here,
// when the browser sees signal again, even with the app closed.
importScripts("{{ outbox|escapejs }}");
const SENDING = {{ sending_json|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll([...FRESH, ...SHELL])).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith("field-") && key !== CACHE).map((key) => caches.delete(key))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (FRESH.includes(url.pathname) && !url.search) {
    event.respondWith(
      fetch(event.request)
        .then((response) => {
          if (response.ok && !response.redirected) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
          }
          return response;
        })
        // Kept under the bare address; the map asks with other headers than the page did.
        .catch(() => caches.match(url.pathname, { ignoreVary: true }))
    );
  } else if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((kept) => kept || fetch(event.request)));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag === self.wanggeOutbox.NAME) {
    // A rejection (no signal after all, the session ended) asks the browser to try again later.
    event.waitUntil(self.wanggeOutbox.sendAll(SENDING));
  }
});
