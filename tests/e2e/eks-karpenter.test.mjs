// Browser test for the lesson "Karpenter: right-sized nodes and consolidation" (the Karpenter
// half of "Cluster Autoscaler vs Karpenter vs ECS managed scaling"): five Pending pods open one
// NodeClaim, drawn in its zone as a node on its way labelled with its NodePool and instance type
// (the cheapest that fits); its node joins and the pods bind; after the load drops Karpenter
// replaces it with a cheaper node, then deletes the empty one, captioned `Disrupting Node: …`,
// and a removed node fades out while playing. Read through the scene hook
// (`window.__stevedoreScene`); every narrative step is photographed at 1280×720 projected and
// 1920×1080.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, open, SHOTS, hook, objects, within, seekEks, startEksLesson } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env.stop(); });

const LESSON = 'eks-karpenter';
const SIZES = [['projection-1280x720', { width: 1280, height: 720 }, '?projection=1'], ['1920x1080', { width: 1920, height: 1080 }, '']];
const onNode = (s) => ['pod', 'pod-creating', 'pod-not-ready'].flatMap((k) => objects(s, k));
const caption = (s, reason) => objects(s, 'caption').find((c) => c.id === reason);

/** Waits until the picture has `n` nodes (the frame after a seek redraws the hook). */
async function nodesAre(page, n) {
  await page.waitForFunction((want) => window.__stevedoreScene?.scene.objects.filter((o) => o.kind === 'node').length === want, n, { timeout: 10_000 });
  return hook(page);
}

for (const [tag, viewport, query] of SIZES) {
  test(`Karpenter launches the cheapest NodeClaim that fits, then consolidates (${tag})`, async () => {
    const { page, problems } = await open(env, viewport, query);
    await startEksLesson(page, LESSON);
    assert.match(await page.textContent('#narrative'), /Karpenter: no node group to resize/);

    // Every narrative step, 5 s in, photographed.
    const steps = (await hook(page)).narrative;
    assert.ok(steps.length >= 7, `${steps.length} steps`);
    for (const at of steps.map((t) => t + 5000)) {
      await seekEks(page, at);
      const s = await hook(page);
      if (query) assert.ok(s.scene.texts.every((t) => t.size >= 16), `projection at ${at} ms: no text under 16 px`);
      await page.screenshot({ path: `${SHOTS}/eks-karpenter-${at / 1000}s-${tag}.png` });
    }

    // 1m5s: five Pending pods, one NodeClaim on its way in its zone, labelled with its NodePool
    // and the instance type Karpenter chose (c5.xlarge, cheaper than an m5.xlarge).
    await seekEks(page, 65_000);
    await page.waitForFunction(() => document.querySelector('#summary').dataset.pending === '5');
    let s = await hook(page);
    const ghosts = objects(s, 'node-launching');
    assert.equal(ghosts.length, 1, JSON.stringify(ghosts));
    assert.equal(ghosts[0].id, 'karpenter/default');
    assert.match(ghosts[0].note, / karpenter\/default c5\.xlarge joins in \d+ s nodeclaim\/default-/);
    assert.ok(objects(s, 'zone').some((z) => within(ghosts[0], z)), 'the outline is in a zone');
    const texts = s.scene.texts.map((t) => t.text);
    assert.ok(texts.some((t) => t.includes('NodePool default')), texts.join(' | '));
    assert.ok(texts.some((t) => t.includes('c5.xlarge')), 'the instance type is on the canvas');
    assert.ok(texts.some((t) => t.startsWith('NodeClaim launching')), texts.join(' | '));
    assert.match(caption(s, 'Nominated')?.note ?? '', /^Karpenter \(5 pods\): Pod should schedule on: nodeclaim\/default-\w{5}$/);
    assert.equal(objects(s, 'node').length, 1);

    // 1m52s: the node joined; the five pods are bound on it.
    await seekEks(page, 112_000);
    s = await nodesAre(page, 2);
    assert.equal(objects(s, 'node-launching').length, 0);
    assert.equal(await page.$eval('#summary', (e) => e.dataset.pending), '0');
    const claimNode = objects(s, 'node').find((n) => / karpenter\/default c5\.xlarge /.test(n.note));
    assert.ok(claimNode, objects(s, 'node').map((n) => n.note).join(' / '));
    // Each pod is a block on the node or counted in its "+N" badge (a narrow card holds fewer).
    const badge = objects(s, 'more-pods').find((b) => b.id === claimNode.id);
    assert.equal(onNode(s).filter((p) => within(p, claimNode)).length + Number(badge?.note ?? 0), 5);

    // 4m38s: scaled to 4; the replacement, a c5.large, is on its way before the old node goes.
    await seekEks(page, 278_000);
    s = await nodesAre(page, 2);
    const repl = objects(s, 'node-launching');
    assert.equal(repl.length, 1);
    assert.match(repl[0].note, / karpenter\/default c5\.large joins in /);
    assert.match(caption(s, 'DisruptionLaunching')?.note ?? '', /Launching NodeClaim: Underutilized$/);

    // 5m22s: the c5.xlarge was drained and terminated, captioned in Karpenter's words.
    await seekEks(page, 322_000);
    s = await nodesAre(page, 2);
    assert.ok(!objects(s, 'node').some((n) => /c5\.xlarge/.test(n.note)), 'the c5.xlarge is gone');
    assert.ok(objects(s, 'node').some((n) => / karpenter\/default c5\.large /.test(n.note)));
    assert.match(caption(s, 'DisruptionTerminating')?.note ?? '', /^Karpenter \(node\/ip-[\d-]+\): Disrupting Node: Underutilized$/);
    assert.equal(onNode(s).length + objects(s, 'more-pods').reduce((a, b) => a + Number(b.note), 0), 4);

    // 7m37s: scaled to 1; the empty c5.large is deleted.
    await seekEks(page, 457_000);
    s = await nodesAre(page, 1);
    assert.match(caption(s, 'DisruptionTerminating')?.note ?? '', /Disrupting Node: Empty$/);
    assert.ok(s.scene.texts.some((t) => t.text.includes('Disrupting Node: Empty')), 'the caption is on the canvas');
    const rows = await page.$$eval('#eks-events li', (r) => r.map((x) => [x.dataset.reason, x.innerText.replace(/\s+/g, ' ')]));
    assert.ok(rows.some(([r, t]) => r === 'DisruptionTerminating' && /Disrupting Node: Empty/.test(t)), rows.map((r) => r[1]).join('\n'));
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('the empty node fades out where it stood while playing', async () => {
  const { page, problems } = await open(env, { width: 1280, height: 720 }, '?projection=1');
  await startEksLesson(page, LESSON);
  await seekEks(page, 449_000);
  await nodesAre(page, 2);
  await page.evaluate(() => {
    window.__sawGhost = false;
    const look = () => {
      if (window.__stevedoreScene?.scene.objects.some((o) => o.kind === 'node-ghost')) window.__sawGhost = true;
      requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
  await page.selectOption('#speed', '5');
  await page.click('#play');
  await nodesAre(page, 1);
  await page.waitForTimeout(300);
  await page.click('#play');
  assert.equal(await page.evaluate(() => window.__sawGhost), true, 'the removed node left a fading ghost');
  assert.deepEqual(problems, []);
  await page.close();
});
