// Offline after the first visit (http/https only: file:// and the single-file build skip it).
// A file, not an inline script: the page's Content-Security-Policy allows no inline script.
// Registered a second after the app has started, not at `load`: installing precaches every
// file (the wasm again among them), and doing that while the app compiles and paints its
// first frame put the first painted cluster about 30 ms later (median of fresh navigations).
if ('serviceWorker' in navigator && location.protocol.startsWith('http')) {
  addEventListener('TrunkApplicationStarted', () => setTimeout(() => navigator.serviceWorker.register('./sw.js'), 1000), { once: true });
}
