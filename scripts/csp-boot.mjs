// Post-build step (called by trunk-post-build.sh): Trunk starts the app with an inline module
// script, which the page's Content-Security-Policy (no inline script) refuses. Move it into a
// file named for its content and load that instead.
// Usage: node scripts/csp-boot.mjs STAGING_DIR
import { readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const dir = process.argv[2];
const path = join(dir, 'index.html');
const html = await readFile(path, 'utf8');
const inline = /<script type="module">([\s\S]*?)<\/script>/;
const found = html.match(inline);
if (!found) throw new Error('csp-boot: no inline module script in index.html (did Trunk change its loader?)');
const name = `boot-${createHash('sha256').update(found[1]).digest('hex').slice(0, 16)}.js`;
await writeFile(join(dir, name), found[1].trim() + '\n');
const out = html.replace(inline, `<script type="module" src="./${name}"></script>`);
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(out)) throw new Error('csp-boot: an inline script is left in index.html');
await writeFile(path, out);
