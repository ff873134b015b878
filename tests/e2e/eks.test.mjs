// Browser tests for EKS in the app: the lesson "The same web app on ECS and on EKS" draws the
// control plane, nodes per Availability Zone, pods with their IPs, Pending pods with
// kube-scheduler's reason, and a pod's "Why this node?"; a bad manifest edit shows its errors at
// their YAML lines. Checked through the scene hook (`window.__stevedoreScene`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, open, SHOTS, hook, objects, within, seekEks } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env.stop(); });

const LESSON = 'eks-same-web-app';

const seek = seekEks;

async function startLesson(page) {
  await page.click('#tab-scenario');
  await page.selectOption('#lesson', LESSON);
  await page.waitForSelector('#summary[data-orchestrator="eks"]', { state: 'attached' });
  await page.click('#tab-inspect');
}

test('the EKS lesson shows the control plane, nodes per zone, pods with IPs and why a pod is on its node', async () => {
  const { page, problems } = await open(env, { width: 1280, height: 720 }, '?projection=1');
  await startLesson(page);
  assert.match(await page.textContent('#narrative'), /One web app, two orchestrators/);
  await seek(page, 35_000);
  const s = await hook(page);
  assert.equal(s.projection, true);
  // One AWS-managed control plane box, outside the VPC.
  const [cp] = objects(s, 'control-plane');
  assert.equal(cp.note, 'EKS control plane (AWS-managed)');
  const [vpc] = objects(s, 'vpc');
  assert.ok(cp.y + cp.h <= vpc.y, 'the control plane sits above, outside the VPC');
  assert.ok(s.scene.texts.some((t) => t.text === 'EKS control plane (AWS-managed)'));
  // A node in each of the three zones, drawn inside its zone.
  const zones = objects(s, 'zone');
  assert.equal(zones.length, 3);
  for (const z of zones) {
    const nodes = objects(s, 'node').filter((n) => n.note.startsWith(`${z.id} `));
    assert.equal(nodes.length, 1, `${z.id} has its node`);
    assert.ok(within(nodes[0], z), `${nodes[0].id} inside ${z.id}`);
  }
  // Three web pods, each with its own VPC IP inside a node; aws-node and kube-proxy on each node.
  const pods = objects(s, 'pod');
  assert.equal(pods.length, 3);
  for (const p of pods) {
    assert.match(p.id, /^web-[a-z0-9]+-[a-z0-9]{5}$/);
    assert.match(p.note, /^192\.168\.\d+\.\d+$/);
    assert.ok(objects(s, 'node').some((n) => within(p, n)), `${p.id} is on a node`);
  }
  assert.equal(new Set(pods.map((p) => p.note)).size, 3, 'pod IPs are distinct');
  assert.equal(objects(s, 'system-pod').length, 6);
  assert.ok(s.scene.texts.every((t) => t.size >= 16), 'projection: no text under 16 px');
  await page.screenshot({ path: `${SHOTS}/eks-lesson-projection-1280x720.png` });

  // Click the first pod: its spec and "Why this node?" with every node's filter verdict.
  const [x, y] = (await page.$eval('#cluster', (c) => c.dataset.firstTask)).split(',').map(Number);
  const box = await page.locator('#cluster').boundingBox();
  await page.mouse.click(box.x + x, box.y + y);
  await page.waitForSelector('#inspector[data-kind="pod"]');
  assert.match(await page.textContent('#inspector h2'), /^Pod web-/);
  assert.match(await page.textContent('#pod-ip'), /^192\.168\.\d+\.\d+/);
  assert.match(await page.textContent('#inspector'), /nginx:1\.25/);
  assert.match(await page.textContent('#why-node'), /Why this node\?/);
  assert.equal(await page.$$eval('#why-filters tbody tr', (r) => r.length), 3, 'a verdict per node');
  assert.equal(await page.$$eval('#why-filters tr.chosen', (r) => r.length), 1);
  // Plugin names carry zero-width spaces (they wrap between words in a narrow panel).
  const tables = await page.$$eval('.why-scores', (ts) => ts.map((t) => t.innerText.replace(/\u200B/g, '')));
  assert.equal(tables.length, 3, 'a score table per feasible node');
  for (const t of tables) {
    for (const plugin of ['NodeResourcesFit', 'NodeResourcesBalancedAllocation', 'PodTopologySpread', 'TaintToleration']) assert.match(t, new RegExp(plugin));
    assert.match(t, /total/);
  }
  // Legible at the back of the room: the panel's table text is at least 16 px.
  const sizes = await page.$$eval('#why-node td, #why-node th', (cs) => cs.map((c) => parseFloat(getComputedStyle(c).fontSize)));
  assert.ok(sizes.length > 0 && sizes.every((px) => px >= 16), `table text: ${Math.min(...sizes)} px`);
  await page.$eval('#why-node', (e) => e.scrollIntoView());
  await page.screenshot({ path: `${SHOTS}/eks-why-this-node-projection-1280x720.png` });
  assert.deepEqual(problems, []);
  await page.close();
});

test('scaled past the nodes, a pod waits in the Pending lane with its FailedScheduling reason', async () => {
  const { page, problems } = await open(env, { width: 1920, height: 1080 });
  await startLesson(page);
  await seek(page, 480_000);
  const s = await hook(page);
  const pending = objects(s, 'pending-pod');
  assert.equal(pending.length, 1);
  assert.match(pending[0].note, /^0\/3 nodes are available: 3 Insufficient cpu\. preemption: /);
  assert.ok(s.scene.texts.some((t) => t.text.includes('Insufficient cpu')), 'the reason is on the canvas');
  assert.equal(objects(s, 'pod').length, 9);
  assert.equal(await page.$eval('#summary', (e) => e.dataset.pending), '1');
  await page.screenshot({ path: `${SHOTS}/eks-lesson-pending-1920x1080.png` });
  // The applied manifest survives a reload, as an ECS scenario does.
  await page.reload();
  await page.waitForSelector('#summary[data-orchestrator="eks"]', { state: 'attached' });
  assert.match(await page.textContent('#narrative'), /One web app, two orchestrators/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the Service links only Ready pods, new pods show their phase, and the event log speaks kubectl', async () => {
  const { page, problems } = await open(env, { width: 1280, height: 720 }, '?projection=1');
  await startLesson(page);
  // 5 s after `kubectl scale --replicas=6`: three pods Running but not yet Ready (the readiness
  // probe's 10 s initial delay), so the Service has three lines, to the three Ready pods.
  await seek(page, 125_000);
  let s = await hook(page);
  const [svc] = objects(s, 'service');
  assert.equal(svc.id, 'web');
  assert.match(svc.note, /^NodePort 10\.100\.\d+\.\d+ 80:30080\/TCP endpoints 3 notReady 3$/);
  assert.ok(s.scene.texts.some((t) => t.text.startsWith('Service web · NodePort')));
  const ready = objects(s, 'pod').map((p) => p.id).sort();
  const unready = objects(s, 'pod-not-ready').map((p) => p.id);
  assert.equal(ready.length, 3);
  assert.equal(unready.length, 3);
  assert.deepEqual(objects(s, 'endpoint').map((e) => e.id).sort(), ready, 'lines go to the Ready pods only');
  assert.ok(s.scene.texts.some((t) => /not Ready|0\/1/.test(t.text)), 'the phase is in words');
  assert.ok(s.scene.texts.every((t) => t.size >= 16), 'projection: no text under 16 px');
  // The event log, newest first, in kubectl's words.
  const rows = await page.$$eval('#eks-events li', (r) => r.map((x) => [x.dataset.reason, x.innerText.replace(/\s+/g, ' ')]));
  const scaled = rows.find(([r]) => r === 'ScalingReplicaSet');
  assert.ok(scaled, rows.map((r) => r[0]).join(','));
  assert.match(scaled[1], /Normal · ScalingReplicaSet · deployment\/web Scaled up replica set web-[a-z0-9]+ from 3 to 6/);
  assert.ok(rows.some(([r, t]) => r === 'Scheduled' && /Successfully assigned default\/web-/.test(t)), rows.map((r) => r[1]).join('\n'));
  const sizes = await page.$$eval('#eks-events li span', (cs) => cs.map((c) => parseFloat(getComputedStyle(c).fontSize)));
  assert.ok(sizes.every((px) => px >= 16), `event text: ${Math.min(...sizes)} px`);
  await page.screenshot({ path: `${SHOTS}/eks-service-unready-projection-1280x720.png` });
  // Ten seconds on, they are Ready and the Service has six lines.
  await seek(page, 140_000);
  s = await hook(page);
  assert.equal(objects(s, 'pod-not-ready').length, 0);
  assert.equal(objects(s, 'endpoint').length, 6);
  // Mid rolling update: new pods pulling nginx:1.27 (ContainerCreating), an old one Terminating.
  await seek(page, 243_000);
  s = await hook(page);
  assert.ok(objects(s, 'pod-creating').length > 0, 'ContainerCreating pods are drawn');
  const linked = new Set(objects(s, 'endpoint').map((e) => e.id));
  for (const kind of ['pod-creating', 'pod-terminating']) {
    for (const p of objects(s, kind)) assert.ok(!linked.has(p.id), `${p.id} (${kind}) is not an endpoint`);
  }
  await page.screenshot({ path: `${SHOTS}/eks-rolling-update-projection-1280x720.png` });
  // The end: the Pending lane's reason wraps whole at a projected 1280, nothing cut with "…".
  await seek(page, 480_000);
  s = await hook(page);
  const lane = objects(s, 'pending')[0];
  const laneText = s.scene.texts.filter((t) => t.y >= lane.y && t.y <= lane.y + lane.h && t.x < lane.x + lane.w * 0.6).map((t) => t.text).join(' ');
  assert.ok(!laneText.includes('…'), laneText);
  assert.match(laneText, /No preemption victims found for incoming pod\./);
  // The FailedScheduling Warning heads the event log.
  const [first] = await page.$$eval('#eks-events li', (r) => r.slice(0, 1).map((x) => [x.dataset.reason, x.className]));
  assert.deepEqual(first, ['FailedScheduling', 'warning']);
  await page.screenshot({ path: `${SHOTS}/eks-lesson-pending-projection-1280x720.png` });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the lesson at 1920×1080 through the rolling update', async () => {
  const { page, problems } = await open(env, { width: 1920, height: 1080 });
  await startLesson(page);
  for (const [ms, name] of [[35_000, 'start'], [125_000, 'scaled'], [245_000, 'update'], [480_000, 'end']]) {
    await seek(page, ms);
    const s = await hook(page);
    assert.equal(objects(s, 'service').length, 1);
    await page.screenshot({ path: `${SHOTS}/eks-lesson-${name}-1920x1080.png` });
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('a bad manifest edit shows each error at its path and line, and the last valid run keeps going', async () => {
  const { page, problems } = await open(env, { width: 1280, height: 720 });
  await startLesson(page);
  await page.click('#tab-scenario');
  const good = await page.inputValue('#scenario-text');
  await page.fill('#scenario-text', good.replace('cpu: 500m', 'cpu: 1GB').replace('kind: Deployment', 'kind: Deploymnet'));
  await page.click('#apply');
  await page.waitForSelector('#editor-errors');
  const errors = await page.$$eval('#editor-errors li', (l) => l.map((x) => x.textContent));
  assert.ok(errors.some((e) => /line \d+ · \$\[1\]\.kind: apps\/v1 Deploymnet is not a kind/.test(e)), errors.join('\n'));
  const lineOf = (needle) => good.split('\n').findIndex((l) => l.includes(needle)) + 1;
  assert.ok(errors.some((e) => e.startsWith(`line ${lineOf('kind: Deployment')} · `)), errors.join('\n'));
  assert.ok(await page.$(`#gutter .bad[data-line="${lineOf('kind: Deployment')}"]`), 'the gutter marks the line');
  assert.equal(await page.$eval('#summary', (e) => e.dataset.orchestrator), 'eks', 'the lesson keeps running');
  // Fixing the kind leaves the quantity error, at its own line.
  await page.fill('#scenario-text', good.replace('cpu: 500m', 'cpu: 1GB'));
  await page.click('#apply');
  await page.waitForFunction(() => /requests\.cpu/.test(document.querySelector('#editor-errors')?.textContent ?? ''));
  const quantity = await page.$$eval('#editor-errors li', (l) => l.map((x) => x.textContent));
  assert.ok(quantity.some((e) => e.startsWith(`line ${lineOf('cpu: 500m')} · $[1].spec.template.spec.containers[0].resources.requests.cpu`)), quantity.join('\n'));
  assert.deepEqual(problems, []);
  await page.close();
});
