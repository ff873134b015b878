// Browser tests for the platform lessons: each loads and shows what its narrative promises
// (ECR preview, identities and AWS calls, secret errors, Cloud Map, NLB, schedules, lift and shift).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, open, SHOTS } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env.stop(); });

async function lesson(id, viewport = { width: 1280, height: 720 }) {
  const opened = await open(env, viewport);
  const { page } = opened;
  await page.click('#tab-scenario');
  await page.selectOption('#lesson', id);
  await page.waitForSelector('#narrative');
  return opened;
}

/** Drags the timeline to `ms` (the app replays deterministically up to there). */
async function seek(page, ms) {
  await page.$eval('#timeline', (e, v) => { e.value = String(v); e.dispatchEvent(new Event('input', { bubbles: true })); }, ms);
  await page.waitForFunction((v) => Number(document.querySelector('#timeline').value) >= v, ms);
}

async function filterLog(page, text) {
  await page.click('#tab-inspect');
  await page.fill('#event-log .filter', text);
  return page.$$eval('#event-log .entry .message', (m) => m.map((x) => x.textContent));
}

/** Canvas pixels of one colour (approximate match), e.g. the pink service-call lines. */
async function pixels(page, [r, g, b]) {
  return page.evaluate(([r, g, b]) => {
    const c = document.querySelector('#cluster');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - r) < 12 && Math.abs(d[i + 1] - g) < 12 && Math.abs(d[i + 2] - b) < 12) n++;
    return n;
  }, [r, g, b]);
}

test('ECR lesson: the lifecycle preview marks what expires and why; a missing tag fails to pull', async () => {
  const { page, problems } = await lesson('ecr-images');
  await seek(page, 20 * 60_000);
  await page.click('#tab-platform');
  await page.waitForSelector('#ecr');
  const rows = await page.$$eval('#ecr tr.expiring td:last-child', (t) => t.map((x) => x.textContent));
  assert.deepEqual(rows.sort(), ['expires (rule 1)', 'expires (rule 1)', 'expires (rule 2)', 'expires (rule 2)']);
  assert.match(await page.textContent('#ecr'), /IMMUTABLE tags/);
  assert.match(await page.textContent('#ecr'), /public\.ecr\.aws\/shopco\/orders-cli · public/);
  await page.screenshot({ path: `${SHOTS}/ecr-lifecycle-preview-1280x720.png` });
  const failures = await filterLog(page, 'CannotPullContainerError');
  assert.ok(failures.some((m) => m.includes('shop/orders:1.4: not found')), failures.join('\n'));
  const refused = await filterLog(page, 'ImageTagAlreadyExistsException');
  assert.equal(refused.length, 1);
  // A task says how it got its image.
  await seek(page, 2 * 60_000 + 30_000);
  await page.fill('#event-log .filter', '');
  const at = await page.$eval('#cluster', (c) => c.dataset.firstTask);
  const [x, y] = at.split(',').map(Number);
  await page.click('#cluster', { position: { x, y } });
  assert.match(await page.textContent('.pull'), /(pulled 320 MiB|already on the instance).* · scan: 2 MEDIUM/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('IAM lesson: each call shows the identity it used and IAM\'s answer', async () => {
  const { page, problems } = await lesson('iam-roles');
  await seek(page, 7 * 60_000 + 30_000);
  await page.click('#tab-platform');
  const calls = await page.$$eval('#api-calls li', (l) => l.map((x) => x.textContent));
  assert.ok(calls.some((c) => c.includes('dynamodb:PutItem allowed') && c.includes('orders-task')), calls.join('\n'));
  assert.ok(calls.some((c) => c.includes('s3:GetObject allowed') && c.includes('ecsInstanceRole')));
  assert.ok(calls.some((c) => c.includes('s3:GetObject DENIED') && c.includes('Unable to locate credentials')));
  assert.ok(calls.some((c) => c.includes('dynamodb:DeleteTable DENIED') && c.includes('explicit deny')));
  // Clicking a task names who its calls run as.
  await page.click('#tab-inspect');
  const at = await page.$eval('#cluster', (c) => c.dataset.firstTask);
  const [x, y] = at.split(',').map(Number);
  await page.click('#cluster', { position: { x, y } });
  assert.match(await page.textContent('#call-identity'), /task role orders-task|instance profile ecsInstanceRole/);
  await page.screenshot({ path: `${SHOTS}/iam-identity-1280x720.png` });
  const iam = await filterLog(page, 'DENIED');
  assert.ok(iam.length >= 4, iam.join('\n'));
  assert.deepEqual(problems, []);
  await page.close();
});

test('secrets lesson: an unreadable secret stops the task with ResourceInitializationError', async () => {
  const { page, problems } = await lesson('secrets-environment');
  await seek(page, 3 * 60_000);
  const errors = await filterLog(page, 'ResourceInitializationError');
  assert.ok(errors.length >= 1 && errors.every((m) => m.includes('ssm:GetParameters')), errors.join('\n'));
  const throttled = await filterLog(page, 'unable to consistently start tasks');
  assert.equal(throttled.length, 1);
  assert.deepEqual(problems, []);
  await page.close();
});

test('service discovery lesson: Cloud Map lists each task, calls are drawn between tasks', async () => {
  const { page, problems } = await lesson('service-discovery');
  await seek(page, 6 * 60_000);
  await page.click('#tab-platform');
  const map = await page.textContent('#cloud-map');
  assert.match(map, /orders\.shop\.local · private DNS: SRV/);
  assert.match(map, /payments\.shop\.local · private DNS: A/);
  assert.equal(await page.$$eval('#cloud-map .discovery-service', (d) => d[0].querySelectorAll('tbody tr').length), 5);
  assert.ok(await pixels(page, [0xe8, 0x79, 0xf9]) > 100, 'pink service-call lines on the canvas');
  await page.screenshot({ path: `${SHOTS}/service-discovery-1280x720.png` });
  await seek(page, 8 * 60_000);
  assert.match(await page.textContent('#cloud-map'), /No instances registered/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('NLB lesson: a TCP health check keeps broken targets healthy, HTTP does not', async () => {
  const { page, problems } = await lesson('network-load-balancer');
  await seek(page, 2 * 60_000);
  assert.equal(await page.$eval('#summary', (e) => e.dataset.healthyTargets), '2', 'only the NLB\'s two targets are healthy');
  assert.ok(await pixels(page, [0x2d, 0xd4, 0xbf]) > 50, 'the NLB box is drawn');
  await page.screenshot({ path: `${SHOTS}/nlb-beside-alb-1280x720.png` });
  assert.deepEqual(problems, []);
  await page.close();
});

test('batch lesson: schedules start tasks on time and tasks end with their exit code', async () => {
  const { page, problems } = await lesson('batch-scheduled');
  await seek(page, 10 * 60_000 + 30_000);
  await page.click('#tab-platform');
  const schedules = await page.textContent('#schedules');
  assert.match(schedules, /report-at-2am → RunTask nightly-report:1 ×3 · 3 tasks started/);
  assert.match(schedules, /etl-every-5-minutes → RunTask etl:1 ×2 · 6 tasks started/);
  const exits = await filterLog(page, 'exited with code');
  assert.ok(exits.some((m) => m.includes('etl exited with code 1')) && exits.some((m) => m.includes('report exited with code 0')), exits.join('\n'));
  assert.deepEqual(problems, []);
  await page.close();
});

test('lift-and-shift lesson: the lifted task gives way to a service that scales', async () => {
  const { page, problems } = await lesson('lift-and-shift');
  await seek(page, 4 * 60_000);
  assert.equal(await page.$eval('#summary', (e) => e.dataset.tasks), '1', 'one lifted task, like the VM');
  await seek(page, 30 * 60_000);
  const healthy = Number(await page.$eval('#summary', (e) => e.dataset.healthyTargets));
  assert.ok(healthy >= 5, `scaled out behind the ALB: ${healthy}`);
  assert.match(await page.textContent('#narrative'), /Step 3: it scales/);
  await page.screenshot({ path: `${SHOTS}/lift-and-shift-1280x720.png` });
  assert.deepEqual(problems, []);
  await page.close();
});
