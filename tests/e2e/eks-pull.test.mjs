// Browser tests for EKS pods and nodes changing in the app: a pod whose image tag is missing
// from its ECR repository shows the sim's waiting reason (ErrImagePull, then ImagePullBackOff)
// on its chip, in a caption and in the inspector (fixture tests/e2e/fixtures/eks-image-pull.yaml);
// a node that joins while playing fades in, and paused or under prefers-reduced-motion the final
// state shows at once. Checked through the scene hook (`window.__stevedoreScene`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startBrowser, open, SHOTS, hook, objects, within, seekEks, startEksLesson } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env.stop(); });

const seek = seekEks;
const startLesson = startEksLesson;

for (const [viewport, query, tag] of [[{ width: 1280, height: 720 }, '?projection=1', 'projection-1280x720'], [{ width: 1920, height: 1080 }, '', '1920x1080']]) {
  test(`a missing image tag: the pod says ImagePullBackOff on its chip, in a caption and in the inspector (${tag})`, async () => {
    const { page, problems } = await open(env, viewport, query);
    await startLesson(page, 'eks-same-web-app');
    await page.click('#tab-scenario');
    await page.fill('#scenario-text', await readFile('tests/e2e/fixtures/eks-image-pull.yaml', 'utf8'));
    await page.click('#apply');
    await page.waitForFunction(() => /Three pods of web:v1/.test(document.querySelector('#narrative')?.textContent ?? ''));
    await page.click('#tab-inspect');
    // The rolling update to web:v2 begins at 1 m: its pod's first pull fails at once.
    await seek(page, 60_000);
    let s = await hook(page);
    let [waiting] = objects(s, 'pod-waiting');
    assert.ok(waiting, 'the new pod waits');
    const words = (h, r) => h.scene.texts.filter((t) => t.x >= r.x && t.x <= r.x + r.w && t.y >= r.y && t.y <= r.y + r.h + 2).map((t) => t.text);
    assert.ok(words(s, waiting).some((t) => t === 'ErrImagePull' || t === 'Err'), words(s, waiting).join(' | '));
    assert.ok(objects(s, 'caption').some((c) => /^kubelet \(pod\/web-.*Failed to pull image "123456789012\.dkr\.ecr\.us-west-2\.amazonaws\.com\/web:v2"/.test(c.note)), 'captioned when it first happens');
    // A few seconds on, the kubelet is backing off.
    await seek(page, 65_000);
    s = await hook(page);
    [waiting] = objects(s, 'pod-waiting');
    assert.ok(words(s, waiting).some((t) => t === 'ImagePullBackOff' || t === 'BackOff'), words(s, waiting).join(' | '));
    assert.ok(objects(s, 'node').some((n) => within(waiting, n)), 'it is on its node');
    assert.equal(objects(s, 'pod').length + objects(s, 'pod-old').length, 3, 'the old pods keep serving');
    assert.ok(s.scene.texts.some((t) => t.text === 'ImagePullBackOff'), 'the legend names it');
    if (query) assert.ok(s.scene.texts.every((t) => t.size >= 16), 'projection: no text under 16 px');
    await page.screenshot({ path: `${SHOTS}/eks-image-pull-${tag}.png` });
    // The inspector: the status, the waiting message, the kubelet's last event, the next pull.
    const box = await page.locator('#cluster').boundingBox();
    await page.mouse.click(box.x + waiting.x + waiting.w / 2, box.y + waiting.y + waiting.h - 4);
    await page.waitForSelector('#inspector[data-kind="pod"] #pod-waiting');
    assert.equal(await page.textContent('#pod-status'), 'ImagePullBackOff');
    // One line each: the waiting message, the kubelet's last event (the one saying why), the next pull.
    const lines = (await page.innerText('#pod-waiting')).split('\n');
    assert.equal(lines[0], 'Back-off pulling image "123456789012.dkr.ecr.us-west-2.amazonaws.com/web:v2"');
    assert.match(lines[1], /^Last event: Failed to pull image "123456789012\.dkr\.ecr\.us-west-2\.amazonaws\.com\/web:v2": rpc error: .*web:v2: not found$/);
    assert.match(lines[2], /^Next pull in \d+s, after 1 failed pull$/);
    await page.screenshot({ path: `${SHOTS}/eks-image-pull-inspector-${tag}.png` });
    assert.deepEqual(problems, []);
    await page.close();
  });
}

/** Records, every animation frame, whether the hook shows a node arriving. */
async function watchArrivals(page) {
  await page.evaluate(() => {
    window.__sawArrival = false;
    const look = () => {
      if (window.__stevedoreScene?.scene.objects.some((o) => o.kind === 'node-arriving')) window.__sawArrival = true;
      requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
}

test('a node that joins while playing fades in; paused or with reduced motion it is simply there', async () => {
  for (const reduced of [false, true]) {
    const { page, problems } = await open(env, { width: 1280, height: 720 }, '?projection=1');
    if (reduced) await page.emulateMedia({ reducedMotion: 'reduce' });
    await startLesson(page, 'eks-node-scaling');
    await seek(page, 62_000);
    const before = objects(await hook(page), 'node').length;
    await watchArrivals(page);
    await page.selectOption('#speed', '10');
    await page.click('#play');
    await page.waitForFunction((n) => window.__stevedoreScene.scene.objects.filter((o) => o.kind === 'node').length > n, before, { timeout: 30_000 });
    await page.waitForTimeout(800);
    await page.click('#play');
    assert.equal(await page.evaluate(() => window.__sawArrival), !reduced, reduced ? 'reduced motion: no node moves' : 'the joining node was seen arriving');
    // Paused: the final state, nothing mid-motion.
    await page.waitForTimeout(200);
    const s = await hook(page);
    assert.equal(objects(s, 'node-arriving').length + objects(s, 'node-ghost').length, 0);
    assert.deepEqual(problems, []);
    await page.close();
  }
});
