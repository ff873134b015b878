// A day of EKS at 3600x (tests/e2e/fixtures/eks-longrun.yaml: two HPAs on traffic waves, one
// behind an ALB Ingress, Cluster Autoscaler adding and removing nodes all day): the wasm memory
// stays bounded as the engine keeps only what Kubernetes keeps (events for an hour, the newest
// scheduling decisions, gone pods compacted, removed nodes' books freed) and the Charts history
// thins itself past 4,096 samples. Prints the samples; asserts a loose bound.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startBrowser, open, startEksLesson } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env.stop(); });

/** The clock as seconds: `hh:mm:ss`, or `Nd hh:mm:ss` from a day on. */
const clockSeconds = (page) => page.$eval('#clock', (e) => {
  const [days, hms] = e.textContent.includes('d ') ? e.textContent.split('d ') : ['0', e.textContent];
  return Number(days) * 86400 + hms.split(':').reduce((a, x) => a * 60 + Number(x), 0);
});
const wasmBytes = (page) => page.evaluate(() => window.__stevedoreWasm?.memory.buffer.byteLength ?? -1);

test('EKS: wasm memory stays bounded over 24 simulated hours of HPAs and node churn at 3600x', { timeout: 150_000 }, async () => {
  const { page, problems } = await open(env, { width: 1280, height: 720 });
  await startEksLesson(page, 'eks-hpa-vs-target-tracking');
  await page.click('#tab-scenario');
  await page.fill('#scenario-text', await readFile('tests/e2e/fixtures/eks-longrun.yaml', 'utf8'));
  await page.click('#apply');
  await page.waitForFunction(() => /A day of EKS churn/.test(document.body.textContent), null, { timeout: 30_000 });
  await page.click('#tab-inspect');
  await page.selectOption('#speed', '3600');
  await page.click('#play');
  const samples = [];
  const started = Date.now();
  // 24 h at 3600x is 24 s of wall time when frames keep up; a loaded machine is slower, so
  // the loop stops at 24 h or after 110 s, whichever comes first.
  while (Date.now() - started < 110_000) {
    await page.waitForTimeout(500);
    const s = await clockSeconds(page);
    samples.push([s, await wasmBytes(page)]);
    if (s >= 24 * 3600 - 1) break;
  }
  const mib = (b) => (b / 1048576).toFixed(1);
  const at = (hour) => samples.find(([s]) => s >= hour * 3600)?.[1] ?? samples.at(-1)[1];
  const [first, end] = [samples[0][1], samples.at(-1)[1]];
  console.log(`EKS wasm memory at 3600x (clock s, MiB): ${samples.map(([s, b]) => `${s}:${mib(b)}`).join(' ')}`);
  console.log(`EKS wasm memory: ${[1, 3, 6, 12, 18].map((h) => `${h} h ${mib(at(h))} MiB`).join(', ')}, end ${mib(end)} MiB at ${samples.at(-1)[0]} s (${samples.length} samples, ${((Date.now() - started) / 1000).toFixed(0)} s wall)`);
  assert.ok(first > 0, 'the wasm memory is visible to the test');
  assert.ok(samples.at(-1)[0] >= 24 * 3600 - 1, `the run reached 24 h (clock ${samples.at(-1)[0]} s)`);
  // The bound. Measured (2-core machine under load): 2.3 MiB at 1 h, 2.8 at 3 h, 3.2 at 6 h,
  // then flat at 3.4 MiB from about 10 h to 24 h. The engine's books are capped by retention
  // (events 1 h, the newest 20,000 decisions, gone pods compacted, removed nodes' rows freed) and
  // the Charts history thins itself past 4,096 samples, so once every kind of book has filled
  // (the first hours of waves) only the allocator's page granularity moves it. Asserted: under
  // 1 MiB more from 6 h to 24 h (measured 0.2 MiB; an entry kept per pod or node ever made —
  // thousands of pods over this day — would climb all day, past that) and under 16 MiB in all
  // (about 5× the measured peak: room for allocator and frame-timing variance, far below a leak).
  const after6h = at(6);
  assert.ok(end - after6h < 1048576, `wasm memory grew from ${mib(after6h)} MiB at 6 h to ${mib(end)} MiB at 24 h`);
  assert.ok(end < 16 * 1048576, `wasm memory reached ${mib(end)} MiB`);
  assert.deepEqual(problems, []);
  await page.close();
});
