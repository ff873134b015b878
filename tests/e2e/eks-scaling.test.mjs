// Browser test for the lesson "Cluster Autoscaler vs Karpenter vs ECS managed scaling": the
// picture shows one node with Pending pods, then three nodes once Cluster Autoscaler's new nodes
// join (75 s after its scan), then one node again after scale-down. Checked through the scene
// hook (`window.__stevedoreScene`), with screenshots at 1280×720 projected and 1920×1080.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, open, SHOTS, hook, objects, within } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env.stop(); });

const LESSON = 'eks-node-scaling';

async function seek(page, ms) {
  await page.$eval('#timeline', (el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', { bubbles: true })); }, ms);
  await page.waitForFunction((v) => Number(document.querySelector('#timeline').value) === v, ms);
  await page.waitForFunction(() => window.__stevedoreScene && window.__stevedoreScene.orchestrator === 'eks');
}

/// Waits until the picture has `n` nodes (the frame after the seek redraws the hook).
async function nodesAre(page, n) {
  await page.waitForFunction((want) => {
    const s = window.__stevedoreScene;
    return s && s.scene.objects.filter((o) => o.kind === 'node').length === want;
  }, n, { timeout: 10_000 });
  return hook(page);
}

async function startLesson(page) {
  await page.click('#tab-scenario');
  await page.selectOption('#lesson', LESSON);
  await page.waitForSelector('#summary[data-orchestrator="eks"]', { state: 'attached' });
  await page.click('#tab-inspect');
}

for (const [viewport, query, tag] of [[{ width: 1280, height: 720 }, '?projection=1', 'projection-1280x720'], [{ width: 1920, height: 1080 }, '', '1920x1080']]) {
  test(`nodes arrive for Pending pods and leave when idle (${tag})`, async () => {
    const { page, problems } = await open(env, viewport, query);
    await startLesson(page);
    assert.match(await page.textContent('#narrative'), /Who adds the EC2 capacity\?/);

    // 1m2s: scaled to 8, one node holds three pods, five are Pending.
    await seek(page, 62_000);
    let s = await nodesAre(page, 1);
    // Five Pending (the summary counts them; a projected lane may draw fewer and say so).
    await page.waitForFunction(() => document.querySelector('#summary').dataset.pending === '5');
    s = await hook(page);
    assert.equal(objects(s, 'pod').length + objects(s, 'pod-creating').length + objects(s, 'pod-not-ready').length, 3);
    assert.ok(objects(s, 'pending-pod').length >= 1, 'the Pending lane shows them');
    assert.ok(objects(s, 'pending-pod').every((p) => /Insufficient cpu/.test(p.note)), 'the reason is kube-scheduler\'s');
    if (query) assert.ok(s.scene.texts.every((t) => t.size >= 16), 'projection: no text under 16 px');
    await page.screenshot({ path: `${SHOTS}/eks-scaling-pending-${tag}.png` });

    // 2m30s: the two new nodes joined (scale-up at 1m10s + 75 s) and every pod is on a node.
    await seek(page, 150_000);
    s = await nodesAre(page, 3);
    assert.equal(objects(s, 'pending-pod').length, 0, 'nothing Pending once the nodes joined');
    assert.equal(await page.$eval('#summary', (e) => e.dataset.pending), '0');
    const nodes = objects(s, 'node');
    const onNodes = ['pod', 'pod-creating', 'pod-not-ready'].flatMap((k) => objects(s, k));
    assert.equal(onNodes.length, 8);
    for (const p of onNodes) assert.ok(nodes.some((n) => within(p, n)), `${p.id} is on a node`);
    assert.equal(objects(s, 'system-pod').length, 6, 'aws-node and kube-proxy on every node');
    assert.match(await page.textContent('#narrative'), /New nodes join/);
    await page.screenshot({ path: `${SHOTS}/eks-scaling-joined-${tag}.png` });

    // 6m5s: scaled back to 2 at 4m; the idle nodes are still there (unneeded time 2 min).
    await seek(page, 365_000);
    s = await nodesAre(page, 3);
    // 6m15s: Cluster Autoscaler removed both idle nodes.
    await seek(page, 375_000);
    s = await nodesAre(page, 1);
    assert.equal(objects(s, 'system-pod').length, 2);
    assert.equal(onNodes.length > 0 && ['pod', 'pod-creating', 'pod-not-ready'].flatMap((k) => objects(s, k)).length, 2);
    assert.match(await page.textContent('#narrative'), /Scale-down: taint, evict, terminate/);
    const rows = await page.$$eval('#eks-events li', (r) => r.map((x) => [x.dataset.reason, x.innerText.replace(/\s+/g, ' ')]));
    assert.ok(rows.some(([r, t]) => r === 'ScaleDown' && /node removed by cluster autoscaler/.test(t)), rows.map((r) => r[1]).join('\n'));
    await page.screenshot({ path: `${SHOTS}/eks-scaling-removed-${tag}.png` });
    assert.deepEqual(problems, []);
    await page.close();
  });
}
