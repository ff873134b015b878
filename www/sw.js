// Stevedore's service worker: precaches the hashed build so the app reopens with no network.
// scripts/trunk-post-build.sh fills in PRECACHE and VERSION from the real build output.
const VERSION = '__VERSION__';
const PRECACHE = __PRECACHE__;
const CACHE = `stevedore-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('stevedore-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  // Pages (any query string, e.g. ?projection=1) are the one index.html.
  const lookup = request.mode === 'navigate' ? caches.match('./', { ignoreSearch: true }) : caches.match(request, { ignoreSearch: true });
  event.respondWith(lookup.then((hit) => hit || fetch(request)));
});
