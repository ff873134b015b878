// Frame time at scale: 1,000 instances and 10,000 tasks animating at high speed, measured in
// headless Chromium. Prints the median and 95th percentile of our work per frame (the goal:
// p95 <= 16.7 ms), of bursts (100+ tasks started in a frame) and of the rAF interval.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { startBrowser, open, SHOTS } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env.stop(); });

function bigScenario() {
  const zones = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
  return {
    stevedore: 1, name: 'Scale: 1,000 instances, 10,000 tasks', seed: 1, duration: '8h',
    containerInstances: zones.map((z, k) => ({ instanceType: 'm5.xlarge', availabilityZone: z, count: k === 0 ? 334 : 333 })),
    taskDefinitions: [{ family: 'svc', containerDefinitions: [{ name: 'app', image: 'app:1', cpu: 256, memory: 1024, portMappings: [{ containerPort: 80 }] }] }],
    services: Array.from({ length: 10 }, (_, k) => ({ serviceName: `svc-${k}`, taskDefinition: 'svc', desiredCount: 1000, launchType: 'EC2' })),
    // Churn for the whole run: every 5 minutes one service scales between 600 and 1,000 tasks.
    timeline: Array.from({ length: 90 }, (_, k) => ({ at: `${5 + k * 5}m`, action: 'UpdateService',
      input: { service: `svc-${k % 10}`, desiredCount: Math.floor(k / 10) % 2 ? 1000 : 600 } })),
  };
}

const encode = (text) => deflateRawSync(Buffer.from(text), { level: 9 }).toString('base64url');

test('frame time with 1,000 instances and 10,000 tasks at 3600x', async () => {
  const link = `#s=${encode(JSON.stringify(bigScenario()))}`;
  const { page, problems } = await open(env, { width: 1280, height: 720 }, link);
  await page.waitForFunction(() => document.querySelector('#summary').dataset.tasks === '10000', null, { timeout: 60000 });
  await page.selectOption('#speed', '3600');
  await page.click('#play');
  // Per frame: the rAF interval (vsync-paced: 16.7 ms at 60 Hz is the floor, not our cost),
  // and our work, as the app measures it: its frame handler (sim advance, layout, paint) and
  // the DOM render it triggers (data-frame-work; its parts in data-frame-cost).
  const rows = await page.evaluate(() => new Promise((done) => {
    const out = [];
    const canvas = document.querySelector('#cluster');
    let last = null;
    const tick = (now) => {
      const work = Number(canvas.dataset.frameWork ?? 0);
      const [advance, draw, paint, started] = (canvas.dataset.frameCost ?? '0 0 0 0').split(' ').map(Number);
      if (last !== null) out.push({ interval: now - last, work, advance, draw, paint, started });
      last = now;
      if (out.length < 300) requestAnimationFrame(tick); else done(out.slice(10));
    };
    requestAnimationFrame(tick);
  }));
  await page.click('#play');
  const pct = (list, q) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(list.length * q))];
  const fmt = (list) => `median ${pct(list, 0.5).toFixed(1)} ms, p95 ${pct(list, 0.95).toFixed(1)} ms`;
  const col = (k, list = rows) => list.map((r) => r[k]);
  const bursts = rows.filter((r) => r.started >= 100);
  const median = pct(col('interval'), 0.5);
  const p95 = pct(col('interval'), 0.95);
  const work95 = pct(col('work'), 0.95);
  console.log(`frame time (1,000 instances, 10,000 tasks, 3600x) over ${rows.length} frames; the goal (p95 <= 16.7 ms) is our work per frame:`);
  console.log(`  our work per frame: ${fmt(col('work'))}`);
  console.log(`    the sim's advance ${fmt(col('advance'))}; layout + paint ${fmt(col('draw'))}, of which the canvas calls ${fmt(col('paint'))}`);
  console.log(`    the rest (the side panel DOM render, every 250 ms; bookkeeping): ${fmt(rows.map((r) => Math.max(0, r.work - r.advance - r.draw)))}`);
  if (bursts.length) console.log(`  frames where 100+ tasks started (${bursts.length}, up to ${Math.max(...col('started', bursts))}): our work ${fmt(col('work', bursts))}`);
  console.log(`  rAF interval (vsync-paced, 16.7 ms floor): ${fmt(col('interval'))}`);
  await page.screenshot({ path: `${SHOTS}/scale-1000-instances-1280x720.png` });
  assert.ok(Number(await page.$eval('#summary', (e) => e.dataset.tasks)) > 5000);
  // Regression guards, loose enough for a busy 2-core CI machine (the goal is p95 < 16.7 ms;
  // the number above is what we report). A scaling bug once made single frames take seconds.
  assert.ok(median < 50, `median frame time ${median.toFixed(1)} ms is a regression`);
  assert.ok(p95 < 250, `p95 frame time ${p95.toFixed(1)} ms is a regression (goal 16.7 ms)`);
  assert.ok(work95 < 100, `p95 work per frame ${work95.toFixed(1)} ms is a regression (goal 16.7 ms)`);
  assert.ok(bursts.length > 0, 'the run has frames where hundreds of tasks start at once');
  assert.deepEqual(problems, []);
  await page.close();
});

// Issue 13 goal 3: the first painted cluster after navigation (the canvas's
// `data-first-paint-ms`, performance.now() at the first paint of #cluster), for the page as it
// opens and for a shared 5,000-instance scenario. Prints medians of five fresh navigations.
function fiveThousand() {
  const zones = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
  const types = ['m5.large', 'm5.xlarge', 'c5.xlarge', 'r5.large'];
  return {
    stevedore: 1, name: 'Load: 5,000 instances', seed: 1,
    containerInstances: Array.from({ length: 5000 }, (_, k) => ({ instanceType: types[k % 4], availabilityZone: zones[k % 3],
      attributes: [{ name: 'tier', value: k % 4 === 3 ? 'batch' : 'web' }, { name: 'rack', value: `r${k % 40}` }] })),
    taskDefinitions: [{ family: 'app', containerDefinitions: [{ name: 'app', image: 'app:1', cpu: 256, memory: 1024, portMappings: [{ containerPort: 80 }] }] }],
    services: [{ serviceName: 'web', taskDefinition: 'app', desiredCount: 5000, launchType: 'EC2' }],
  };
}

test('first painted cluster after navigation', async () => {
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  for (const [what, link] of [['the page as it opens', ''], ['a shared 5,000-instance scenario', `#s=${encode(JSON.stringify(fiveThousand()))}`]]) {
    const times = [];
    for (let k = 0; k < 5; k += 1) {
      const { page, problems } = await open(env, { width: 1280, height: 720 }, link);
      await page.waitForSelector('#cluster[data-first-paint-ms]', { timeout: 30000 });
      times.push(Number(await page.$eval('#cluster', (c) => c.dataset.firstPaintMs)));
      // What was painted is the cluster: instances on the canvas, not a blank frame.
      const instances = await page.$eval('#summary', (e) => Number(e.dataset.instances ?? 0));
      if (link) assert.equal(instances, 5000, 'the shared scenario loaded');
      assert.ok(times.at(-1) > 0, 'the mark holds performance.now() at the first paint');
      assert.deepEqual(problems, []);
      await page.close();
    }
    console.log(`first painted cluster, ${what}: median ${median(times).toFixed(0)} ms after navigation (goal < 300 ms; ${times.map((t) => t.toFixed(0)).join(', ')})`);
  }
});
