// Browser test for the "Lose an Availability Zone" lesson: an AWS FIS AZ power interruption
// stops us-east-1a, the services replace their tasks in the other zones, and after the power
// returns only the service with Availability Zone rebalancing moves back by itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, open, SHOTS } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env.stop(); });

/** Drags the timeline to `ms` (the app replays deterministically up to there). */
async function seek(page, ms) {
  await page.$eval('#timeline', (e, v) => { e.value = String(v); e.dispatchEvent(new Event('input', { bubbles: true })); }, ms);
  await page.waitForFunction((v) => Number(document.querySelector('#timeline').value) >= v, ms);
  await page.waitForTimeout(200);
}

const summary = (page) => page.$eval('#summary', (e) => ({ ...e.dataset }));
const log = (page) => page.textContent('#event-log');

/** Live tasks per host, from the summary's `task@host:port` list. */
async function hosts(page) {
  const placements = (await summary(page)).placements.split(',').filter(Boolean);
  return placements.map((p) => p.split('@')[1].split(':')[0]);
}

async function lesson(viewport, query) {
  const { page, problems } = await open(env, viewport, query);
  await page.click('#tab-scenario');
  await page.selectOption('#lesson', 'lose-an-az');
  await page.waitForSelector('#narrative');
  await page.click('#tab-inspect');
  return { page, problems };
}

test('losing a zone: tasks stop with it, come back elsewhere, and rebalancing brings them home', async () => {
  const { page, problems } = await lesson({ width: 1280, height: 720 }, '?projection=1');
  await seek(page, 4 * 60_000);
  let s = await summary(page);
  assert.equal(s.running, '18', 'three services of six, all running');
  assert.equal(s.healthyTargets, '18');
  await page.screenshot({ path: `${SHOTS}/lose-an-az-before-projection-1280x720.png` });

  await seek(page, 5 * 60_000 + 10_000);
  s = await summary(page);
  assert.equal(s.running, '8', "'packed' lost all six, the spread services two each");
  assert.equal(s.healthyTargets, '8', 'the load balancers route to the survivors only');
  assert.match(await page.textContent('#narrative'), /The zone goes dark\./);
  const text = await log(page);
  assert.match(text, /aws:ec2:stop-instances/);
  assert.match(text, /aws:network:disrupt-connectivity/);
  const stopped = [...text.matchAll(/(i-[0-9a-f]+): stopped: the agent is disconnected/g)].map((m) => m[1]);
  assert.equal(stopped.length, 2, 'the two instances of us-east-1a');
  await page.screenshot({ path: `${SHOTS}/lose-an-az-dark-projection-1280x720.png` });

  await seek(page, 7 * 60_000);
  s = await summary(page);
  assert.equal(s.running, '18', 'replaced in the zones that still have capacity');
  assert.ok((await hosts(page)).every((h) => !stopped.includes(h)), 'nothing placed on the stopped instances');

  await seek(page, 19 * 60_000);
  assert.match(await log(page), /service \(rebalanced\) is not AZ balanced with 0 tasks in us-east-1a, 3 in us-east-1b, and 3 in us-east-1c\. AZ Rebalancing in progress\./);
  assert.match(await log(page), /service \(rebalanced\) is AZ balanced with 2 tasks in us-east-1a, 2 tasks in us-east-1b, and 2 tasks in us-east-1c\./);
  assert.doesNotMatch(await log(page), /service \(spread\) is AZ balanced/, "'spread' has rebalancing DISABLED");
  assert.equal((await hosts(page)).filter((h) => stopped.includes(h)).length, 2, "only 'rebalanced' is back in us-east-1a");
  await page.screenshot({ path: `${SHOTS}/lose-an-az-rebalanced-projection-1280x720.png` });

  await seek(page, 30 * 60_000);
  assert.match(await log(page), /service \(spread\) is AZ balanced with 2 tasks in us-east-1a/, 'after UpdateService turns it on');
  assert.equal((await hosts(page)).filter((h) => stopped.includes(h)).length, 4);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the lesson at 1920x1080 while the zone is down', async () => {
  const { page, problems } = await lesson({ width: 1920, height: 1080 }, '');
  await seek(page, 5 * 60_000 + 15_000);
  assert.match(await page.textContent('#narrative'), /The zone goes dark\./);
  await page.screenshot({ path: `${SHOTS}/lose-an-az-dark-1920x1080.png` });
  await seek(page, 19 * 60_000);
  await page.screenshot({ path: `${SHOTS}/lose-an-az-rebalanced-1920x1080.png` });
  assert.deepEqual(problems, []);
  await page.close();
});
