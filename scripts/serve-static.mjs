// A tiny static file server for dist/ (the app is a static site: no server logic).
// Usage: node scripts/serve-static.mjs DIR [PORT] [HOST]   (PORT 0 picks a free one; HOST
// defaults to 127.0.0.1, this machine only; 0.0.0.0 serves every network interface)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.json': 'application/json', '.webmanifest': 'application/manifest+json', '.ico': 'image/x-icon',
};

export function serve(dir, port = 0, host = '127.0.0.1') {
  const root = resolve(dir);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = normalize(join(root, path));
      if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((ok) => server.listen(port, host, () => ok(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir = 'dist', port = '8080', host = '127.0.0.1'] = process.argv.slice(2);
  const server = await serve(dir, Number(port), host);
  const { port: actual } = server.address();
  const local = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  console.log(`Stevedore is being served at http://${local}:${actual}/  (Ctrl-C to stop)`);
  if (local !== host) {
    const { networkInterfaces } = await import('node:os');
    const addresses = Object.values(networkInterfaces()).flat().filter((a) => a && !a.internal && a.family === 'IPv4');
    for (const a of addresses) console.log(`  on the network: http://${a.address}:${actual}/`);
    console.log('  (anyone who can reach these addresses can load the app: only dist/ is served)');
  }
}
