// The scanner's service worker (served at /scanner/sw.js with scope /scanner): the page and
// its assets come from the network when there is one and from this cache when there is not,
// so a phone that lost its connection can still reload the scanner. The API is never cached:
// offline answers come from the bundle in IndexedDB.

const CACHE = "luyan-scanner-v1";
const SHELL = [
  "/scanner",
  "/static/vendor/pico/pico.min.css",
  "/static/css/scanner.css",
  "/static/vendor/zxing-wasm/zxing-reader.js",
  "/static/vendor/zxing-wasm/zxing_reader.wasm",
  "/static/js/scanner/main.js",
  "/static/js/scanner/api.js",
  "/static/js/scanner/camera.js",
  "/static/js/scanner/feedback.js",
  "/static/js/scanner/offline.js",
  "/static/js/scanner/pair.js",
  "/static/js/scanner/panels.js",
  "/static/js/scanner/store.js",
  "/static/js/scanner/sync.js",
  "/static/js/scanner/token.js",
  "/static/js/scanner/ui.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL.slice(1)).then(() => cache.add("/scanner").catch(() => {})))
      .catch(() => {})
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

function cacheable(url) {
  return (
    url.origin === self.location.origin &&
    (url.pathname === "/scanner" || SHELL.includes(url.pathname))
  );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (!cacheable(url)) return; // the API and everything else: straight to the network
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
        }
        return response;
      })
      .catch(() => caches.match(url.pathname).then((hit) => hit || Response.error())),
  );
});
