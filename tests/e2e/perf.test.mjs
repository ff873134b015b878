// Frame time at scale: 1,000 instances and 10,000 tasks animating at high speed, measured in
// headless Chromium from requestAnimationFrame. Prints the median and 95th percentile.
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
  const { frames, advance, draw } = await page.evaluate(() => new Promise((done) => {
    const deltas = [];
    const advance = [];
    const draw = [];
    const canvas = document.querySelector('#cluster');
    let last = performance.now();
    const tick = (now) => {
      deltas.push(now - last);
      last = now;
      // What the app's own frame handler spent: sim advance, then layout + paint.
      const [a, d] = (canvas.dataset.frameCost ?? '0 0').split(' ').map(Number);
      advance.push(a);
      draw.push(d);
      if (deltas.length < 240) requestAnimationFrame(tick); else done({ frames: deltas.slice(10), advance: advance.slice(10), draw: draw.slice(10) });
    };
    requestAnimationFrame(tick);
  }));
  await page.click('#play');
  const pct = (list, q) => [...list].sort((a, b) => a - b)[Math.floor(list.length * q)];
  const median = pct(frames, 0.5);
  const p95 = pct(frames, 0.95);
  console.log(`frame time (1,000 instances, 10,000 tasks, 3600x): median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms over ${frames.length} frames`);
  console.log(`  of which the sim's advance: median ${pct(advance, 0.5).toFixed(1)} ms, p95 ${pct(advance, 0.95).toFixed(1)} ms; layout + paint: median ${pct(draw, 0.5).toFixed(1)} ms, p95 ${pct(draw, 0.95).toFixed(1)} ms`);
  await page.screenshot({ path: `${SHOTS}/scale-1000-instances-1280x720.png` });
  assert.ok(Number(await page.$eval('#summary', (e) => e.dataset.tasks)) > 5000);
  // Regression guards, loose enough for a busy 2-core CI machine (the goal is p95 < 16.7 ms;
  // the number above is what we report). A scaling bug once made single frames take seconds.
  assert.ok(median < 50, `median frame time ${median.toFixed(1)} ms is a regression`);
  assert.ok(p95 < 250, `p95 frame time ${p95.toFixed(1)} ms is a regression (goal 16.7 ms)`);
  assert.deepEqual(problems, []);
  await page.close();
});
