// Browser tests for explaining and controlling: "Why here?", the query box, time controls,
// keyboard shortcuts and projection mode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, open, SHOTS } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env.stop(); });

async function clickAt(page, attr) {
  const [x, y] = (await page.$eval('#cluster', (c, a) => c.dataset[a], attr)).split(',').map(Number);
  const box = await page.locator('#cluster').boundingBox();
  await page.mouse.click(box.x + x, box.y + y);
}

test('clicking a task shows its definition and why it was placed there', async () => {
  const { page, problems } = await open(env);
  await page.waitForFunction(() => document.querySelector('#cluster').dataset.firstTask);
  await clickAt(page, 'firstTask');
  await page.waitForSelector('#inspector[data-kind="task"]');
  const why = await page.textContent('#why-here');
  assert.match(why, /Why here\?/);
  assert.match(why, /placed on i-[0-9a-f]+/);
  assert.match(why, /spread\(attribute:ecs.availability-zone\)/);
  const rows = await page.$$eval('#why-here tbody tr', (r) => r.length);
  assert.equal(rows, 6, 'one row per candidate instance');
  assert.equal(await page.$$eval('#why-here tr.chosen', (r) => r.length), 1);
  assert.match(await page.textContent('#inspector'), /public\.ecr\.aws\/nginx\/nginx:1\.27/);
  await page.screenshot({ path: `${SHOTS}/why-here-1280x720.png` });
  await page.keyboard.press('Escape');
  await page.waitForSelector('#inspector[data-kind="task"]', { state: 'detached' });
  assert.deepEqual(problems, []);
  await page.close();
});

test('clicking an instance shows its attributes and resources', async () => {
  const { page, problems } = await open(env);
  await page.waitForFunction(() => document.querySelector('#cluster').dataset.firstInstance);
  await clickAt(page, 'firstInstance');
  await page.waitForSelector('#inspector[data-kind="instance"]');
  const text = await page.textContent('#inspector');
  assert.match(text, /ecs\.availability-zone/);
  assert.match(text, /of 7985 MiB free/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the query box highlights matching instances and explains parse errors', async () => {
  const { page, problems } = await open(env);
  await page.fill('#query', 'attribute:ecs.instance-type == c5.xlarge');
  await page.waitForSelector('#query-count');
  assert.equal(await page.textContent('#query-count'), '2 of 6 instances match');
  await page.fill('#query', 'attribute:ecs.availability-zone in [us-east-1a, us-east-1b]');
  await page.waitForFunction(() => document.querySelector('#query-count')?.textContent === '4 of 6 instances match');
  await page.screenshot({ path: `${SHOTS}/query-1280x720.png` });
  await page.fill('#query', 'attribute:ecs.instance-type === t2');
  await page.waitForSelector('#query-error');
  assert.match(await page.textContent('#query-error'), /column 31/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('step, rewind, keyboard shortcuts and the event log move through time', async () => {
  const { page, problems } = await open(env);
  await page.click('#step');
  const afterStep = await page.textContent('#clock');
  assert.notEqual(afterStep, '00:00:00', 'step jumps to the next event');
  await page.keyboard.press('+');
  await page.keyboard.press(' ');
  await page.waitForFunction(() => document.querySelector('#clock').textContent > '00:00:40');
  await page.keyboard.press(' ');
  const paused = await page.textContent('#clock');
  await page.keyboard.press('ArrowLeft');
  const back = await page.textContent('#clock');
  assert.ok(back < paused, `back goes back (${paused} → ${back})`);
  // The event log links each entry to its moment.
  await page.fill('#event-log .filter', 'steady state');
  await page.click('#event-log .entry .time');
  assert.match(await page.textContent('#clock'), /^00:00:1\d$/);
  assert.equal(await page.$eval('#summary', (e) => e.dataset.running), '6');
  await page.keyboard.press('?');
  await page.waitForSelector('#help-overlay');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#help-overlay', { state: 'detached' });
  assert.deepEqual(problems, []);
  await page.close();
});

test('projection mode from the URL and the P key, readable at 1280x720', async () => {
  const { page, problems } = await open(env, { width: 1280, height: 720 }, '?projection=1');
  assert.ok(await page.$('.app.projection'));
  await page.selectOption('#speed', '600');
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#summary').dataset.running === '9', null, { timeout: 15000 });
  await page.click('#play');
  await page.screenshot({ path: `${SHOTS}/projection-first-light-1280x720.png` });
  await page.keyboard.press('p');
  assert.equal(await page.$('.app.projection'), null);
  assert.deepEqual(problems, []);
  await page.close();
});
