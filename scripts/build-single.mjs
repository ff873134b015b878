// Builds one self-contained HTML file from dist/ (CSS, JS glue and wasm inlined) that opens
// from a USB stick via file://, where browsers refuse to load module scripts from disk.
// Usage: node scripts/build-single.mjs [dist] [out.html]
import { readFile, writeFile, mkdir, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';

const [dist = 'dist', out = 'dist-single/stevedore.html'] = process.argv.slice(2);
const files = await readdir(dist);
const pick = (re) => {
  const f = files.find((n) => re.test(n));
  if (!f) throw new Error(`no file matching ${re} in ${dist}: run the release build first`);
  return join(dist, f);
};
// Every stylesheet, in the order index.html links them (app.css first, then the panel's).
const order = (await readFile('index.html', 'utf8')).match(/href="www\/css\/[^"]+\.css"/g)?.map((h) => h.slice(14, -5)) ?? ['app'];
const css = (await Promise.all(order.map((name) => readFile(pick(new RegExp(`^${name}-[0-9a-f]+\\.css$`)), 'utf8')))).join('\n');
const glue = await readFile(pick(/^stevedore-web-[0-9a-f]+\.js$/), 'utf8');
const wasm = await readFile(pick(/^stevedore-web-[0-9a-f]+_bg\.wasm$/));
const icon = await readFile(join('www', 'icons', 'favicon.svg'));

// The glue's exports are harmless in an inline module; drop the ones that name a default so the
// module stays valid, then start it with the wasm bytes instead of a URL.
const inlineGlue = glue.replace(/^export \{[^}]*\};?\s*$/m, '');
const boot = `
const wasmBytes = Uint8Array.from(atob(${JSON.stringify(wasm.toString('base64'))}), (c) => c.charCodeAt(0));
await __wbg_init({ module_or_path: wasmBytes });
`;
// `</script` inside inlined text would end the script element early.
const safe = (text) => text.replace(/<\/script/gi, '<\\/script');
const script = `
${safe(inlineGlue)}
${boot}
`;
// The same Content-Security-Policy as the hosted page, except that this file's one script and
// one style are inline: they are allowed by their hashes, nothing else is. No network at all.
const sha = (text) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
const csp = `default-src 'none'; script-src ${sha(script)} 'wasm-unsafe-eval'; style-src ${sha(css)}; style-src-attr 'unsafe-inline'; img-src data: blob:; object-src 'none'; base-uri 'none'; form-action 'none'`;
const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Stevedore — watch an ECS cluster work (offline edition)</title>
<link rel="icon" href="data:image/svg+xml;base64,${icon.toString('base64')}">
<style>${css}</style>
<script type="module">${script}</script>
</head>
<body></body>
</html>
`;
await mkdir(dirname(out), { recursive: true });
await writeFile(out, html);
console.log(`single-file build: ${out} (${(html.length / 1024).toFixed(0)} KiB)`);
