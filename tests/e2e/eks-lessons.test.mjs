// Browser tests for the part-2 EKS lessons: "HPA vs ECS target tracking on the same traffic"
// (pods following the load, the rescale captioned, the Charts tab's HPA and node charts),
// "On Fargate: pod sizing" (Fargate nodes provisioning as outlines, then each pod on its own
// node of its CapacityProvisioned size) and "Pod density" (nodes full at 29 pods, Pending with
// Too many pods). At every narrative step and both classroom sizes the frame is checked as
// picture.test.mjs checks ECS lessons; what each lesson must show is read through the scene
// hook (`window.__stevedoreScene`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, open, SHOTS, hook, objects, within } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env.stop(); });

const SIZES = [['1280x720-projection', { width: 1280, height: 720 }, '?projection=1'], ['1920x1080', { width: 1920, height: 1080 }, '']];
const texts = (h) => h.scene.texts.map((t) => t.text).join(' | ');
const overlaps = (a, b) => a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5;

/** The frame checks of picture.test.mjs: text inside the canvas, ≥ 16 px in projection, no overlaps. */
function checkFrame(label, h) {
  const [w, ht] = h.canvas;
  const { texts: ts } = h.scene;
  for (const t of ts) {
    assert.ok(t.x >= -1 && t.y >= -1 && t.x + t.w <= w + 1 && t.y + t.h <= ht + 1, `${label}: text ${JSON.stringify(t.text)} outside the canvas`);
    if (h.projection) assert.ok(t.size >= 16, `${label}: ${JSON.stringify(t.text)} is ${t.size}px in projection mode`);
  }
  for (let i = 0; i < ts.length; i++) {
    for (let j = i + 1; j < ts.length; j++) assert.ok(!overlaps(ts[i], ts[j]), `${label}: ${JSON.stringify(ts[i].text)} overlaps ${JSON.stringify(ts[j].text)}`);
  }
  // No label lies on a pod chip it does not belong to (a pod's own words are inside it).
  const pods = objects(h, 'pod');
  for (const t of ts) {
    const on = pods.find((p) => overlaps(t, p) && !within(t, p));
    assert.ok(!on, `${label}: ${JSON.stringify(t.text)} lies on pod ${on?.id}`);
  }
  // Every node, Fargate node and launching outline lies inside a zone.
  const zones = objects(h, 'zone');
  for (const n of [...objects(h, 'node'), ...objects(h, 'fargate-node'), ...objects(h, 'node-launching')]) {
    assert.ok(zones.some((z) => within(n, z)), `${label}: ${n.kind} ${n.id} is inside a zone`);
  }
}

async function seek(page, ms) {
  await page.$eval('#timeline', (el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', { bubbles: true })); }, ms);
  await page.waitForFunction((v) => Number(document.querySelector('#timeline').value) === v, ms);
  // Paused, the next frame rewrites the hook with the picture at that second.
  await page.waitForFunction((v) => window.__stevedoreScene?.orchestrator === 'eks' && document.querySelector('#clock')?.textContent !== '' , ms);
  await page.waitForTimeout(150);
}

async function startLesson(page, id) {
  await page.click('#tab-scenario');
  await page.selectOption('#lesson', id);
  await page.waitForSelector('#summary[data-orchestrator="eks"]', { state: 'attached' });
  await page.click('#tab-inspect');
}

/** Every narrative step (5 s in) is a legible frame; `shots` are the moments photographed. */
async function walk(page, id, size, shots) {
  const steps = (await hook(page)).narrative;
  for (const at of [...new Set([...steps.map((s) => s + 5000), ...shots])].sort((a, b) => a - b)) {
    await seek(page, at);
    checkFrame(`${id} @${at / 1000}s ${size}`, await hook(page));
    if (shots.includes(at)) await page.screenshot({ path: `${SHOTS}/eks-lesson-${id}-${at / 1000}s-${size}.png` });
  }
}

for (const [size, viewport, query] of SIZES) {
  test(`HPA lesson at ${size}: pods follow the load, the rescale is captioned, the charts show replicas`, async () => {
    const { page, problems } = await open(env, viewport, query);
    const id = 'eks-hpa-vs-target-tracking';
    await startLesson(page, id);
    assert.match(await page.textContent('#narrative'), /The same traffic, an HPA instead of a scaling policy/);
    await walk(page, id, size, [300_000, 965_000, 2_250_000]);
    await seek(page, 300_000);
    assert.equal(objects(await hook(page), 'pod').length, 2, '40 % is inside the tolerance: 2 pods');
    await seek(page, 965_000);
    // Every pod is a block or counted in its node's "+N" badge (a narrow card holds fewer).
    const h16 = await hook(page);
    const badges = objects(h16, 'more-pods').reduce((n, o) => n + Number(o.note), 0);
    assert.equal(objects(h16, 'pod').length + badges, 10, 'ceil(1200m ÷ 125m) = 10 pods');
    assert.equal(await page.$eval('#summary', (e) => e.dataset.running), '10');
    // Between 6 and 7 minutes a sync rescales; its caption stays 20 s, in the Event's words.
    let caption;
    for (let t = 360_000; t <= 430_000 && !caption; t += 10_000) {
      await seek(page, t);
      caption = objects(await hook(page), 'caption').find((o) => o.id === 'SuccessfulRescale');
    }
    assert.ok(caption, 'a rescale is captioned');
    assert.match(caption.note, /^HPA web: New size: \d+; reason: cpu resource utilization \(percentage of request\) above target$/);
    assert.ok((await hook(page)).scene.texts.some((t) => t.text.startsWith('HPA web: New size:')), 'the caption is on the canvas');
    await page.screenshot({ path: `${SHOTS}/eks-lesson-${id}-rescale-caption-${size}.png` });
    // The Charts tab: the HPA's cpu against its target, replicas current vs desired, nodes.
    await seek(page, 2_400_000);
    await page.click('#tab-charts');
    await page.waitForSelector('#charts[data-orchestrator="eks"] canvas#chart-hpa-0-replicas');
    const legends = await page.$$eval('#charts .legend', (ls) => ls.map((l) => l.textContent));
    assert.ok(legends.some((l) => /desired/.test(l) && /current/.test(l)), legends.join(' / '));
    assert.ok(legends.some((l) => /cpu target 50 %/.test(l)), legends.join(' / '));
    assert.ok(await page.$('#chart-eks-nodes'), 'nodes per node group');
    // Drawn: the replicas canvas has many colours, not a blank background.
    await page.waitForFunction(() => {
      const c = document.querySelector('#chart-hpa-0-replicas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const seen = new Set();
      for (let i = 0; i < d.length; i += 4 * 31) seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
      return seen.size > 4;
    });
    if (query) {
      const px = await page.$$eval('#charts .legend li, #charts .chart-title', (es) => es.map((e) => parseFloat(getComputedStyle(e).fontSize)));
      assert.ok(px.every((p) => p >= 16), `chart text in projection: ${Math.min(...px)} px`);
    }
    await page.screenshot({ path: `${SHOTS}/eks-lesson-${id}-charts-${size}.png` });
    assert.deepEqual(problems, []);
    await page.close();
  });

  test(`Fargate lesson at ${size}: nodes provisioning, then one node per pod of its CapacityProvisioned size`, async () => {
    const { page, problems } = await open(env, viewport, query);
    const id = 'eks-fargate-pod-sizing';
    await startLesson(page, id);
    await walk(page, id, size, [30_000, 95_000, 165_000]);
    await seek(page, 30_000);
    let h = await hook(page);
    const ghosts = objects(h, 'node-launching');
    assert.equal(ghosts.length, 3, 'three Fargate nodes on their way');
    assert.ok(ghosts.every((g) => /fargate .* ready in 30 s$/.test(g.note)), JSON.stringify(ghosts.map((g) => g.note)));
    assert.ok(h.scene.texts.some((t) => /Fargate provisioning|ready in 30 s/.test(t.text)), texts(h));
    await seek(page, 95_000);
    h = await hook(page);
    const sizes = objects(h, 'fargate-node').map((o) => o.note.split(' ').slice(1).join(' ')).sort();
    assert.deepEqual(sizes, ['0.25vCPU 0.5GB', '0.5vCPU 2GB', '2vCPU 9GB']);
    for (const n of objects(h, 'fargate-node')) {
      assert.equal(objects(h, 'pod').filter((p) => within(p, n)).length, 1, `${n.id} holds its one pod`);
    }
    assert.ok(h.scene.texts.some((t) => t.text.includes('2vCPU 9GB')), 'the provisioned size is written on the node');
    const [edge] = objects(h, 'pending-pod');
    assert.match(edge.note, /HostPort and HostNetwork aren't supported on Fargate/);
    await seek(page, 165_000);
    assert.equal(objects(await hook(page), 'node-launching').length, 2, 'scaled to 3: two more on their way');
    assert.deepEqual(problems, []);
    await page.close();
  });

  test(`Pod density lesson at ${size}: nodes full at 29 pods with CPU free, the rest Pending: Too many pods`, async () => {
    const { page, problems } = await open(env, viewport, query);
    const id = 'eks-pod-density';
    await startLesson(page, id);
    await walk(page, id, size, [30_000, 125_000]);
    await seek(page, 125_000);
    const h = await hook(page);
    const nodes = objects(h, 'node');
    assert.equal(nodes.length, 2);
    assert.ok(nodes.every((n) => / pods 29\/29$/.test(n.note)), nodes.map((n) => n.note).join(' / '));
    const [lane] = objects(h, 'pending');
    assert.match(lane.note, /^0\/2 nodes are available: 2 Too many pods\./);
    assert.ok(h.scene.texts.some((t) => t.text.includes('Too many pods')), 'the reason is on the canvas');
    assert.ok(h.scene.texts.some((t) => t.text.includes('pods 29/29')), 'each node says it is full');
    assert.equal(await page.$eval('#summary', (e) => e.dataset.pending), '6');
    assert.deepEqual(problems, []);
    await page.close();
  });
}

// Every EKS lesson, every narrative step, at the three screens a classroom uses: a projected
// 1280×720, a plain 1280×720 (a laptop on the lectern) and 1920×1080.
const ALL_SIZES = [...SIZES, ['1280x720', { width: 1280, height: 720 }, '']];
const LESSONS = ['eks-same-web-app', 'eks-alb-instance-vs-ip', 'eks-spot-pdb', 'eks-irsa-vs-task-role', 'eks-node-scaling', 'eks-karpenter', 'eks-hpa-vs-target-tracking', 'eks-fargate-pod-sizing', 'eks-pod-density'];
for (const [size, viewport, query] of ALL_SIZES) {
  test(`every EKS lesson at ${size}: each step's frame is legible, no label on a pod chip`, async () => {
    const { page, problems } = await open(env, viewport, query);
    for (const id of LESSONS) {
      await startLesson(page, id);
      await walk(page, id, size, id === 'eks-spot-pdb' ? [66000] : []);
    }
    assert.deepEqual(problems, []);
    await page.close();
  });
}
