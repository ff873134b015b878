// Browser tests: the release dist/ served from 127.0.0.1, driven in Debian Chromium.
// Every test fails on a console error, a failed request or a request off our origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, open as openWith, canvasColours, SHOTS } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env.stop(); });
const open = (viewport, query) => openWith(env, viewport, query);

test('first light: the default cluster is placed by the sim and drawn', async () => {
  const { page, problems } = await open();
  await page.waitForFunction(() => document.querySelector('#summary').dataset.tasks === '6');
  const summary = await page.$eval('#summary', (e) => ({ ...e.dataset }));
  assert.equal(summary.tasks, '6', 'six tasks placed at second 0');
  assert.equal(summary.instances, '6');
  assert.ok(await canvasColours(page) > 8, 'the canvas shows a drawn cluster, not a blank fill');
  await page.screenshot({ path: `${SHOTS}/first-light-1280x720.png` });
  assert.deepEqual(problems, []);
  await page.close();
});

test('play advances the clock, tasks start and targets turn healthy', async () => {
  const { page, problems } = await open({ width: 1920, height: 1080 });
  assert.equal(await page.textContent('#clock'), '00:00:00');
  await page.selectOption('#speed', '60');
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#clock').textContent >= '00:00:30', null, { timeout: 10000 });
  await page.waitForFunction(() => document.querySelector('#summary').dataset.healthyTargets === '6', null, { timeout: 10000 });
  const first = await page.textContent('#clock');
  await page.waitForTimeout(300);
  const second = await page.textContent('#clock');
  assert.ok(second > first, `clock keeps moving (${first} → ${second})`);
  await page.click('#play'); // pause
  const paused = await page.textContent('#clock');
  await page.waitForTimeout(400);
  assert.equal(await page.textContent('#clock'), paused, 'pause stops the clock');
  await page.screenshot({ path: `${SHOTS}/first-light-running-1920x1080.png` });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the app scales out at 5 minutes as the scenario says', async () => {
  const { page, problems } = await open();
  await page.selectOption('#speed', '600');
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#summary').dataset.running === '9', null, { timeout: 15000 });
  await page.screenshot({ path: `${SHOTS}/first-light-scaled-1280x720.png` });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the wasm run places every task exactly where the native CLI does', async () => {
  const { execFileSync } = await import('node:child_process');
  const cli = process.env.STEVEDORE_CLI ?? 'target/debug/stevedore';
  const report = JSON.parse(execFileSync(cli, ['run', 'www/scenarios/first-light.json'], { maxBuffer: 64 << 20 }));
  const ec2 = new Map(report.containerInstances.map((i) => [i.containerInstanceArn, i.ec2InstanceId]));
  const expected = report.tasks.filter((t) => t.lastStatus !== 'STOPPED').map((t) => {
    const id = t.taskArn.split('/').pop();
    const port = t.containers[0].networkBindings[0]?.hostPort ?? 0;
    return `${id}@${ec2.get(t.containerInstanceArn) ?? 'fargate'}:${port}`;
  }).sort().join(',');

  const { page, problems } = await open();
  await page.selectOption('#speed', '3600');
  await page.click('#play');
  // The app pauses itself at the scenario's end (15 minutes).
  await page.waitForFunction(() => document.querySelector('#clock').textContent === '00:15:00'
    && document.querySelector('#play').getAttribute('aria-label') === 'Play', null, { timeout: 15000 });
  const actual = await page.$eval('#summary', (e) => e.dataset.placements);
  assert.ok(expected.length > 0);
  assert.equal(actual, expected);
  assert.deepEqual(problems, []);
  await page.close();
});
