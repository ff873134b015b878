// Shared browser-test harness: serve dist/ from 127.0.0.1, launch Debian Chromium through
// playwright-core, and record every console error, failed or off-origin request and
// Content-Security-Policy violation.
import { mkdir } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { serve } from '../../scripts/serve-static.mjs';

export const SHOTS = 'test-output/screenshots';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic'];

export async function startBrowser() {
  await mkdir(SHOTS, { recursive: true });
  const server = await serve('dist', 0);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  return { server, origin, browser, stop: async () => { await browser.close(); server.close(); } };
}

/** Records every Content-Security-Policy violation the page reports as a problem (the page
 * ships a CSP: a violation means something the app needs is refused, or something it must not
 * do happened). */
export async function watchCsp(page, problems) {
  await page.exposeFunction('__stevedoreCspViolation', (d) => problems.push(`CSP violation: ${d}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__stevedoreCspViolation(`${e.effectiveDirective} refused ${e.blockedURI || 'inline code'} (${e.sourceFile || 'page'}:${e.lineNumber})`));
  });
}

/** Opens the app and records every problem the page reports. */
export async function open(env, viewport = { width: 1280, height: 720 }, query = '') {
  const page = await env.browser.newPage({ viewport });
  const problems = [];
  await watchCsp(page, problems);
  // Trunk's start event carries the wasm exports: tests read `memory` from them.
  await page.addInitScript(() => addEventListener('TrunkApplicationStarted', (e) => { window.__stevedoreWasm = e.detail.wasm; }));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(env.origin) && !url.startsWith('data:') && !url.startsWith('blob:')) problems.push(`off-origin request: ${url}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  await page.goto(`${env.origin}/${query}`);
  await page.waitForSelector('#summary[data-tasks]', { state: 'attached' });
  return { page, problems };
}

/** Distinct colours in a sample of the canvas: a blank canvas has one. */
export async function canvasColours(page) {
  return page.evaluate(() => {
    const c = document.querySelector('#cluster');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4 * 97) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    return seen.size;
  });
}

/** The canvas applies a key or wheel on its next frame: wait for `#cluster`'s data-zoom to read
 * `want` (up to 5 s), then assert it, so a slow machine is not a failure. */
export async function zoomIs(page, want, message) {
  await page.waitForFunction((w) => document.querySelector('#cluster').dataset.zoom === w, want, { timeout: 5000 }).catch(() => {});
  assert.equal(await page.$eval('#cluster', (c) => c.dataset.zoom), want, message);
}

/** The scene the canvas last drew (`window.__stevedoreScene`). */
export const hook = (page) => page.evaluate(() => window.__stevedoreScene);
/** The hook's objects of one kind. */
export const objects = (scene, kind) => scene.scene.objects.filter((o) => o.kind === kind);
/** `a` lies inside `b` (to a pixel). */
export const within = (a, b) => a.x >= b.x - 1 && a.y >= b.y - 1 && a.x + a.w <= b.x + b.w + 1 && a.y + a.h <= b.y + b.h + 1;

/** Seeks the EKS timeline to `ms` (paused) and waits for the frame that redraws the hook. */
export async function seekEks(page, ms) {
  await page.$eval('#timeline', (el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', { bubbles: true })); }, ms);
  await page.waitForFunction((v) => Number(document.querySelector('#timeline').value) === v, ms);
  await page.waitForFunction((v) => window.__stevedoreScene?.orchestrator === 'eks' && window.__stevedoreScene.scene.objects.length > 0 && Number(document.querySelector('#timeline').value) === v, ms);
  await page.waitForTimeout(150);
}

/** Picks an EKS lesson from the Scenario tab and waits for EKS mode; then opens Inspect. */
export async function startEksLesson(page, id) {
  await page.click('#tab-scenario');
  await page.selectOption('#lesson', id);
  await page.waitForSelector('#summary[data-orchestrator="eks"]', { state: 'attached' });
  await page.click('#tab-inspect');
}
