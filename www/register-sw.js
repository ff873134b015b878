// Offline after the first visit (http/https only: file:// and the single-file build skip it).
// A file, not an inline script: the page's Content-Security-Policy allows no inline script.
if ('serviceWorker' in navigator && location.protocol.startsWith('http')) {
  addEventListener('load', () => navigator.serviceWorker.register('./sw.js'));
}
