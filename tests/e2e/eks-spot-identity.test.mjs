// Browser tests for the EKS lessons of issue #15: "A Spot node drained under a
// PodDisruptionBudget" (the node under its two-minute notice is marked, drained as the budget
// allows, replaced, and gone at two minutes) and "IRSA vs task role" (pods' AWS calls drawn to
// IAM, green allowed, red denied, with the identity each ran as). Checked through the scene
// hook (`window.__stevedoreScene`), waiting for the canvas's next frame after each input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, open, SHOTS, hook, objects, within, seekEks, startEksLesson } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env.stop(); });

const seek = seekEks;
const startLesson = startEksLesson;

test('the Spot lesson: notice, PDB-paced drain, replacement, and the node gone at two minutes', async () => {
  const { page, problems } = await open(env, { width: 1280, height: 720 }, '?projection=1');
  await startLesson(page, 'eks-spot-pdb');
  assert.match(await page.textContent('#narrative'), /Spot capacity in a managed node group/);
  await seek(page, 30_000);
  let s = await hook(page);
  const before = objects(s, 'node').map((n) => n.id).sort();
  assert.equal(before.length, 3);
  assert.equal(objects(s, 'pod').length, 6);
  assert.ok(s.scene.texts.some((t) => /Spot/.test(t.text)), 'the Spot group is named as Spot');
  await page.screenshot({ path: `${SHOTS}/eks-spot-start-projection-1280x720.png` });

  // 20 s into the notice: the node is framed with its countdown, and fewer pods are on it.
  await seek(page, 80_000);
  s = await hook(page);
  const [mark] = objects(s, 'spot-notice');
  assert.ok(mark, 'the node under notice is marked');
  assert.equal(mark.note, 'reclaimed in 1m 40s');
  const node = objects(s, 'node').find((n) => n.id === mark.id);
  assert.ok(within(mark, node));
  assert.ok(s.scene.texts.some((t) => t.text.includes('reclaimed in 1m 40s')), 'the countdown is on the canvas');
  assert.ok(s.scene.texts.every((t) => t.size >= 16), 'projection: no text under 16 px');
  await page.screenshot({ path: `${SHOTS}/eks-spot-notice-projection-1280x720.png` });

  // After the replacement joined: four nodes, all six pods Ready again.
  await seek(page, 140_000);
  s = await hook(page);
  assert.equal(objects(s, 'node').length, 4);
  const drained = objects(s, 'pod').filter((p) => within(p, objects(s, 'node').find((n) => n.id === mark.id)));
  assert.equal(drained.length, 0, 'the drain emptied the node');
  assert.equal(objects(s, 'pod').length, 6);

  // Two minutes after the notice: EC2 took it back; the node is gone from the picture.
  await seek(page, 181_000);
  s = await hook(page);
  assert.ok(!objects(s, 'node').some((n) => n.id === mark.id), 'the reclaimed node is gone');
  assert.equal(objects(s, 'node').length, 3);
  assert.equal(objects(s, 'spot-notice').length, 0);
  assert.equal(objects(s, 'pod').length, 6);
  const rows = await page.$$eval('#eks-events li', (r) => r.map((x) => x.dataset.reason));
  assert.ok(rows.includes('RemovingNode'), rows.join(','));
  await page.screenshot({ path: `${SHOTS}/eks-spot-reclaimed-projection-1280x720.png` });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the IRSA lesson draws each pod call to IAM with the identity it ran as', async () => {
  const { page, problems } = await open(env, { width: 1280, height: 720 }, '?projection=1');
  await startLesson(page, 'eks-irsa-vs-task-role');
  assert.match(await page.textContent('#narrative'), /A role per workload/);
  await seek(page, 65_000);
  let s = await hook(page);
  const [iam] = objects(s, 'iam');
  const [cp] = objects(s, 'control-plane');
  assert.ok(iam && iam.x >= cp.x + cp.w && Math.abs(iam.y - cp.y) < 1, 'IAM beside the control plane');
  const allowed = objects(s, 'call-allowed');
  assert.equal(allowed.length, 2, 'both reports pods read the report');
  assert.ok(allowed.every((c) => c.note === 's3:GetObject as IRSA reports-reader'));
  assert.ok(allowed.every((c) => c.id.startsWith('reports-')));
  assert.ok(s.scene.texts.every((t) => t.size >= 16), 'projection: no text under 16 px');
  await page.screenshot({ path: `${SHOTS}/eks-irsa-allowed-projection-1280x720.png` });

  await seek(page, 125_000);
  s = await hook(page);
  const denied = objects(s, 'call-denied');
  assert.equal(denied.length, 2);
  assert.ok(denied.every((c) => c.note === 's3:PutObject as IRSA reports-reader'));
  assert.ok(objects(s, 'call-allowed').some((c) => c.id.startsWith('uploader-') && c.note === 's3:PutObject as Pod Identity reports-writer'));
  assert.ok(s.scene.texts.some((t) => t.text.includes('denied IRSA reports-reader') || t.text.includes('denied as IRSA reports-reader')), 'the newest verdict is in the IAM box');
  const rows = await page.$$eval('#eks-events li', (r) => r.map((x) => [x.dataset.reason, x.innerText]));
  const denial = rows.find(([r]) => r === 'AccessDenied');
  assert.ok(denial, rows.map((r) => r[0]).join(','));
  assert.match(denial[1], /is not authorized to perform: s3:PutObject/);
  await page.screenshot({ path: `${SHOTS}/eks-irsa-denied-projection-1280x720.png` });

  await seek(page, 155_000);
  s = await hook(page);
  const legacy = objects(s, 'call-denied').find((c) => c.id.startsWith('legacy-'));
  assert.ok(legacy, 'the pod with no role is denied');
  assert.equal(legacy.note, 's3:GetObject as no credentials');
  assert.deepEqual(problems, []);
  await page.close();
});

test('both lessons at 1920×1080', async () => {
  const { page, problems } = await open(env, { width: 1920, height: 1080 });
  for (const [id, ms, name] of [['eks-spot-pdb', 80_000, 'spot-notice'], ['eks-spot-pdb', 181_000, 'spot-reclaimed'], ['eks-irsa-vs-task-role', 125_000, 'irsa-denied']]) {
    await startLesson(page, id);
    await seek(page, ms);
    const s = await hook(page);
    assert.ok(objects(s, 'node').length >= 2);
    await page.screenshot({ path: `${SHOTS}/eks-${name}-1920x1080.png` });
  }
  assert.deepEqual(problems, []);
  await page.close();
});
