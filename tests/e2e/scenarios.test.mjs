// Browser tests for scenarios: every lesson loads (with a projection-mode screenshot), bad edits
// keep the last good run, nothing typed is lost, and links and reloads reproduce the run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, open, SHOTS } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env.stop(); });

test('every built-in lesson loads, runs and is readable in projection mode at 1280x720', async () => {
  const { page, problems } = await open(env, { width: 1280, height: 720 }, '?projection=1');
  await page.click('#tab-scenario');
  const lessons = await page.$$eval('#lesson option', (o) => o.map((x) => x.value).filter(Boolean));
  assert.ok(lessons.length >= 9, `lessons: ${lessons}`);
  for (const id of lessons) {
    await page.selectOption('#lesson', id);
    await page.waitForSelector('#narrative');
    await page.click('#tab-inspect');
    await page.selectOption('#speed', '120');
    await page.click('#play');
    // Four minutes in, every lesson has tasks (the cluster auto scaling one starts from zero).
    await page.waitForFunction(() => document.querySelector('#clock').textContent >= '00:04:00', null, { timeout: 10000 });
    await page.click('#play');
    assert.ok(Number(await page.$eval('#summary', (e) => e.dataset.tasks)) > 0, `${id} runs tasks`);
    assert.ok(await page.$('#narrative'), `${id} shows its narrative`);
    await page.screenshot({ path: `${SHOTS}/lesson-${id}-projection-1280x720.png` });
    await page.click('#tab-scenario');
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('a bad edit shows its errors at their paths and keeps the last valid run; the text survives a reload', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const { page, problems } = await open({ ...env, browser: context });
  await page.click('#tab-scenario');
  const good = await page.inputValue('#scenario-text');
  const broken = good.replace('"desiredCount": 6', '"desiredCount": "six"').replace('"instanceType": "m5.large"', '"instanceType": "m5.huge"');
  await page.fill('#scenario-text', broken);
  await page.click('#apply');
  await page.waitForSelector('#editor-errors');
  const errors = await page.textContent('#editor-errors');
  assert.match(errors, /\$\.services\[0\]\.desiredCount/);
  assert.match(errors, /\$\.containerInstances\[0\]\.instanceType: unknown instance type `m5\.huge`/);
  assert.equal(await page.$eval('#summary', (e) => e.dataset.tasks), '6', 'the old run keeps going');
  await page.screenshot({ path: `${SHOTS}/editor-errors-1280x720.png` });
  await page.reload();
  await page.waitForSelector('#summary[data-tasks]', { state: 'attached' });
  await page.click('#tab-scenario');
  assert.equal(await page.inputValue('#scenario-text'), broken, 'what was typed is still there after a reload');
  assert.equal(await page.$eval('#summary', (e) => e.dataset.tasks), '6');
  assert.deepEqual(problems, []);
  await context.close();
});

test('an applied scenario survives a reload, and a share link reproduces it elsewhere', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const { page, problems } = await open({ ...env, browser: context });
  await page.click('#tab-scenario');
  const text = (await page.inputValue('#scenario-text')).replace('"desiredCount": 6', '"desiredCount": 4');
  await page.fill('#scenario-text', text);
  await page.click('#apply');
  await page.waitForFunction(() => document.querySelector('#summary').dataset.tasks === '4');
  const placements = await page.$eval('#summary', (e) => e.dataset.placements);
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#summary')?.dataset.tasks === '4');
  await page.click('#tab-scenario');
  await page.click('#share');
  const link = await page.inputValue('#share-link');
  assert.match(link, /#s=[A-Za-z0-9_-]+$/);

  const fresh = await env.browser.newContext({ viewport: { width: 1280, height: 720 } }); // no localStorage
  const other = await fresh.newPage();
  const otherProblems = [];
  other.on('console', (m) => { if (m.type() === 'error') otherProblems.push(m.text()); });
  await other.goto(link);
  await other.waitForFunction(() => document.querySelector('#summary')?.dataset.tasks === '4');
  assert.equal(await other.$eval('#summary', (e) => e.dataset.placements), placements, 'the link reproduces the same placements');
  assert.deepEqual(otherProblems, []);
  assert.deepEqual(problems, []);
  await fresh.close();
  await context.close();
});

test('pasting a real task definition adds it to the scenario', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const { page, problems } = await open({ ...env, browser: context });
  await page.click('#tab-scenario');
  await page.fill('#paste-td', JSON.stringify({ taskDefinition: { family: 'pasted', revision: 7, status: 'ACTIVE', networkMode: null,
    containerDefinitions: [{ name: 'x', image: 'nginx', memory: 128, environment: [] }] } }));
  await page.click('#add-td');
  await page.waitForFunction(() => document.querySelector('#scenario-text').value.includes('"pasted"'));
  assert.match(await page.textContent('#editor-status'), /running this scenario/);
  await page.fill('#paste-td', '{ nope');
  await page.click('#add-td');
  await page.waitForSelector('#paste-error');
  assert.deepEqual(problems, []);
  await context.close();
});
