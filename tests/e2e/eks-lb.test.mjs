// Browser tests for the EKS lesson "ALB Ingress: instance vs ip targets": the AWS Load Balancer
// Controller's two ALBs above the zones, the instance ALB's lines ending on a NodePort chip on
// every node, the ip ALB's lines ending on the pod blocks whose IPs are the targets, coloured by
// target health (initial, healthy, draining). Checked through `window.__stevedoreScene`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, open, SHOTS, hook, objects, within } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env.stop(); });

const LESSON = 'eks-alb-instance-vs-ip';

async function seek(page, ms) {
  await page.$eval('#timeline', (el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', { bubbles: true })); }, ms);
  await page.waitForFunction((v) => Number(document.querySelector('#timeline').value) === v, ms);
  // Paused, the next frame rewrites the hook: wait until it shows this second's picture.
  await page.waitForFunction(() => window.__stevedoreScene && window.__stevedoreScene.orchestrator === 'eks'
    && window.__stevedoreScene.scene.objects.some((o) => o.kind === 'load-balancer'));
  await page.waitForTimeout(150);
}

async function startLesson(page) {
  await page.click('#tab-scenario');
  await page.selectOption('#lesson', LESSON);
  await page.waitForSelector('#summary[data-orchestrator="eks"]', { state: 'attached' });
  await page.click('#tab-inspect');
}

/// Every line end of the ALB `kind` ('instance' or 'ip'), with where it lands.
function ends(s, ip) {
  const lbs = objects(s, 'load-balancer').filter((b) => b.note.includes(ip ? ' ip ' : ' instance '));
  assert.equal(lbs.length, 1);
  return { lb: lbs[0], ends: objects(s, 'lb-target').filter((e) => e.note.startsWith(`${lbs[0].id} `)) };
}

function checkInstance(s) {
  const { lb, ends: es } = ends(s, false);
  const nodes = objects(s, 'node');
  assert.equal(es.length, nodes.length, 'instance targets: every node, pods or not');
  const chips = objects(s, 'node-port');
  for (const e of es) {
    assert.match(e.id, /^i-[0-9a-f]{17}$/, 'an instance target is the EC2 instance id');
    assert.match(e.note, / node-port ip-[0-9-]+[^ ]*:30080 /);
    const chip = chips.find((c) => c.x <= e.x + 1 && e.x + 1 <= c.x + c.w && Math.abs(c.y - e.y - 1) < 0.5);
    assert.ok(chip, `${e.id} ends on a NodePort chip`);
    assert.ok(nodes.some((n) => within(chip, n) || (Math.abs(chip.y + chip.h / 2 - n.y) < 1 && chip.x >= n.x && chip.x + chip.w <= n.x + n.w)), `${chip.id} sits on its node`);
    assert.ok(!objects(s, 'pod').some((p) => within({ x: e.x, y: e.y, w: 2, h: 2 }, p)), 'not on a pod');
  }
  return { lb, es };
}

function checkIp(s) {
  const { lb, ends: es } = ends(s, true);
  const pods = [...objects(s, 'pod'), ...objects(s, 'pod-not-ready')];
  for (const e of es) {
    assert.match(e.id, /^192\.168\.\d+\.\d+$/);
    assert.match(e.note, / pod-ip 192\.168\./);
    const pod = pods.find((p) => p.note === e.id);
    assert.ok(pod, `${e.id} is a pod's IP`);
    assert.ok(Math.abs(e.y + 1 - pod.y) < 0.5 && e.x >= pod.x - 1 && e.x <= pod.x + pod.w, `${e.id} ends on its pod ${pod.id}`);
    assert.ok(!objects(s, 'node-port').some((c) => within({ x: e.x, y: e.y, w: 2, h: 2 }, c)), 'not on a NodePort');
  }
  return { lb, es };
}

test('instance targets end on every node\'s NodePort, ip targets on the pods, at a projected 1280×720', async () => {
  const { page, problems } = await open(env, { width: 1280, height: 720 }, '?projection=1');
  await startLesson(page);
  assert.match(await page.textContent('#narrative'), /Two Ingresses, two ALBs/);
  // 12 s: containers ready at 5 s, first check at 15 s apart: everything initial.
  await seek(page, 12_000);
  let s = await hook(page);
  assert.equal(s.projection, true);
  assert.equal(objects(s, 'load-balancer').length, 2);
  const [vpc] = objects(s, 'vpc');
  for (const b of objects(s, 'load-balancer')) {
    for (const z of objects(s, 'zone')) assert.ok(b.y + b.h <= z.y, 'the ALBs sit above the zones');
    assert.ok(within(b, vpc));
  }
  let inst = checkInstance(s);
  let ip = checkIp(s);
  assert.ok([...inst.es, ...ip.es].every((e) => e.note.endsWith(' initial')), 'initial before the first check');
  assert.equal(ip.es.length, 2);
  assert.ok(s.scene.texts.every((t) => t.size >= 16), 'projection: no text under 16 px');
  await page.screenshot({ path: `${SHOTS}/eks-lb-initial-projection-1280x720.png` });

  // 35 s: all healthy; the instance ALB's box says its NodePort, the ip ALB's pod IPs.
  await seek(page, 35_000);
  s = await hook(page);
  inst = checkInstance(s);
  ip = checkIp(s);
  assert.ok([...inst.es, ...ip.es].every((e) => e.note.endsWith(' healthy')));
  assert.ok(s.scene.texts.some((t) => /instance: NodePort 30080/.test(t.text)));
  assert.ok(s.scene.texts.some((t) => /ip: pod IPs/.test(t.text)));
  await page.screenshot({ path: `${SHOTS}/eks-lb-healthy-projection-1280x720.png` });

  // 1m10s: scaled to 4, the new pods' targets initial, the pods held not Ready by the gate.
  await seek(page, 70_000);
  s = await hook(page);
  ip = checkIp(s);
  assert.equal(ip.es.length, 4);
  assert.equal(ip.es.filter((e) => e.note.endsWith(' initial')).length, 2);
  assert.equal(objects(s, 'pod-not-ready').length, 2, 'the readiness gate holds Ready');
  await page.screenshot({ path: `${SHOTS}/eks-lb-gate-projection-1280x720.png` });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the ALB lesson at 1920×1080, and draining targets', async () => {
  const { page, problems } = await open(env, { width: 1920, height: 1080 });
  await startLesson(page);
  await seek(page, 40_000);
  let s = await hook(page);
  checkInstance(s);
  checkIp(s);
  await page.screenshot({ path: `${SHOTS}/eks-lb-healthy-1920x1080.png` });
  // 3m10s: scaled back to 2 at 3m; the removed pods' targets drain (their pods are gone, so
  // their lines go; the two that stay are healthy on their pods).
  await seek(page, 190_000);
  s = await hook(page);
  const ip = checkIp(s);
  assert.equal(ip.es.length, 2);
  assert.ok(ip.es.every((e) => e.note.endsWith(' healthy')));
  assert.match(ip.lb.note, /healthy 2\/4$/, 'the box counts the draining targets');
  assert.ok(s.scene.texts.some((t) => /2\/4 healthy, 2 draining/.test(t.text)), 'draining in words');
  await page.screenshot({ path: `${SHOTS}/eks-lb-draining-1920x1080.png` });
  assert.deepEqual(problems, []);
  await page.close();
});
