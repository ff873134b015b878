// Offline and static hosting: the service worker serves the app with no network after the
// first visit; the app works from a sub-path; the single-file build opens from file://.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, cp, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startBrowser, open, watchCsp, SHOTS } from './harness.mjs';
import { serve } from '../../scripts/serve-static.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env.stop(); });

test('after one visit the app reloads with no network (service worker)', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const { page } = await open({ ...env, browser: context });
  await page.evaluate(() => navigator.serviceWorker.ready);
  // Wait until the worker controls the page, so its cache is filled.
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await context.setOffline(true);
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#summary')?.dataset.tasks === '6', null, { timeout: 10000 });
  await page.goto(`${env.origin}/?projection=1`);
  await page.waitForSelector('.app.projection');
  await context.close();
});

test('the site works from a sub-path of a static host', async () => {
  const root = await mkdtemp(join(tmpdir(), 'stevedore-subpath-'));
  await mkdir(join(root, 'training', 'ecs'), { recursive: true });
  await cp('dist', join(root, 'training', 'ecs'), { recursive: true });
  const server = await serve(root, 0);
  const origin = `http://127.0.0.1:${server.address().port}`;
  try {
    const { page, problems } = await open({ ...env, origin }, { width: 1280, height: 720 }, 'training/ecs/');
    await page.waitForFunction(() => document.querySelector('#summary').dataset.tasks === '6');
    assert.deepEqual(problems, []);
    await page.close();
  } finally {
    server.close();
  }
});

test('the single-file build opens from file://', async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 720 } });
  const problems = [];
  await watchCsp(page, problems);
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => { if (!/^(file|data|blob):/.test(r.url())) problems.push(`network request: ${r.url()}`); });
  await page.goto(`file://${resolve('dist-single/stevedore.html')}`);
  await page.waitForFunction(() => document.querySelector('#summary')?.dataset.tasks === '6', null, { timeout: 15000 });
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#clock').textContent !== '00:00:00');
  await page.screenshot({ path: `${SHOTS}/single-file-1280x720.png` });
  assert.deepEqual(problems, []);
  await page.close();
});
