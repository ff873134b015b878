// The picture: every built-in lesson at each narrative step, at 1280x720 in projection mode
// (side panel folded, as in class) and at 1920x1080, screenshotted into test-output/screenshots/
// and checked through the scene hook (`window.__stevedoreScene`: the drawn objects and texts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, open, SHOTS, zoomIs, hook } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env.stop(); });


async function seek(page, ms) {
  await page.$eval('#timeline', (el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', { bubbles: true })); }, ms);
  await page.waitForFunction((v) => Math.abs(Number(document.querySelector('#timeline').value) - v) < 1000 || Number(document.querySelector('#timeline').max) < v, ms);
  // New tasks slide in from the queue for 700 ms: judge the picture once they have landed.
  await page.waitForTimeout(850);
}

const overlaps = (a, b) => a.x + 1 < b.x + b.w && b.x + 1 < a.x + a.w && a.y + 1 < b.y + b.h && b.y + 1 < a.y + a.h;

/** The facts every frame must satisfy, from the hook. */
function checkFrame(label, h) {
  const [w, ht] = h.canvas;
  const { objects, texts } = h.scene;
  for (const t of texts) {
    assert.ok(t.x >= -1 && t.y >= -1 && t.x + t.w <= w + 1 && t.y + t.h <= ht + 1, `${label}: text ${JSON.stringify(t.text)} outside the canvas`);
    if (h.projection) assert.ok(t.size >= 16, `${label}: ${JSON.stringify(t.text)} is ${t.size}px in projection mode`);
  }
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      assert.ok(!overlaps(texts[i], texts[j]), `${label}: ${JSON.stringify(texts[i].text)} overlaps ${JSON.stringify(texts[j].text)}`);
    }
  }
  for (const line of objects.filter((o) => o.kind === 'target-line')) {
    const chip = objects.find((o) => o.kind === 'chip' && o.id === line.id);
    assert.ok(chip, `${label}: target line to ${line.id} has no chip`);
    const end = [line.x + line.w, line.y + line.h];
    assert.ok(Math.abs(end[0] - (chip.x + chip.w / 2)) <= 1.5 && Math.abs(end[1] - chip.y) <= 1.5, `${label}: line to ${line.id} ends at ${end}, chip at ${chip.x + chip.w / 2},${chip.y}`);
  }
  assert.ok(objects.filter((o) => o.kind === 'zone').every((z) => z.id), `${label}: a zone without a name`);
}

const has = (h, kind, pred = () => true) => h.scene.objects.some((o) => o.kind === kind && pred(o));
const texts = (h) => h.scene.texts.map((t) => t.text).join(' | ');
/** The zone column an object's top-left lies in. */
const zoneOf = (h, o) => h.scene.objects.find((z) => z.kind === 'zone' && o.x + 1 >= z.x && o.x + 1 <= z.x + z.w && o.y + 1 >= z.y && o.y + 1 <= z.y + z.h)?.id;

// What each lesson must show on the canvas (its point), at the end of its narrative or the
// moment given.
const CONCEPT = {
  'first-light': [180, (h) => has(h, 'lb') && h.scene.objects.filter((o) => o.kind === 'target-line' && o.note === 'healthy').length >= 6],
  // A static host port shows on its chip, dynamic ones differ per task, and the task that
  // can't get the port is drawn as a red ghost on the instances that turned it down.
  'host-port-conflicts': [120, (h) => has(h, 'chip', (o) => o.note === ':8080') && has(h, 'chip', (o) => /^:\d{5}$/.test(o.note)) && has(h, 'ghost', (o) => /port/.test(o.note))],
  'awsvpc-eni-limits': [120, (h) => has(h, 'chip', (o) => /^(\d+\.){3}\d+$|^\.\d+\.\d+$/.test(o.note)) && (has(h, 'ghost') || has(h, 'waiting'))],
  'placement-strategies': [120, (h) => h.scene.objects.filter((o) => o.kind === 'instance').length >= 12 && has(h, 'capacity')],
  'constraints': [120, (h) => has(h, 'instance') && has(h, 'task')],
  'fargate-spot-base': [180, (h) => /Fargate tasks/.test(texts(h)) && has(h, 'target-line')],
  'draining': [null, (h) => /DRAINING/.test(texts(h)) || has(h, 'caption', (o) => /DRAINING/.test(o.note))],
  'ec2-spot-draining': [null, (h) => /DRAINING|Spot/.test(texts(h))],
  'secrets-environment': [null, (h) => has(h, 'edge', (o) => o.id === 'SSM Parameter Store' || o.id === 'Secrets Manager')],
  'daemon': [120, (h) => has(h, 'task')],
  'target-tracking': [null, (h) => has(h, 'edge', (o) => o.id === 'Application Auto Scaling')],
  'step-scaling': [null, (h) => has(h, 'edge', (o) => o.id === 'CloudWatch alarms')],
  'rolling-deployment': [null, (h) => has(h, 'task')],
  'cluster-auto-scaling': [30, (h) => has(h, 'waiting', (o) => /waiting for EC2 capacity/.test(o.note) && has(h, 'task', (t) => t.note === 'provisioning')) && has(h, 'edge', (o) => o.id === 'Auto Scaling groups')],
  'ecr-images': [null, (h) => has(h, 'edge', (o) => o.id === 'Amazon ECR')],
  'service-discovery': [null, (h) => has(h, 'edge', (o) => o.id === 'AWS Cloud Map')],
  'iam-roles': [null, (h) => has(h, 'edge', (o) => o.id === 'IAM roles')],
  // Essential vs non-essential: each backfill task names its essential container (report) and
  // hatches its log-router; at 6m41s report has exited 0 and the task stops, the reason said at it.
  'batch-scheduled': [
    [395, (h) => has(h, 'container', (o) => o.id.endsWith('/report') && o.note === 'essential') && has(h, 'container', (o) => o.id.endsWith('/log-router') && o.note === 'not essential')],
    [401, (h) => has(h, 'container', (o) => o.id.endsWith('/report') && o.note === 'essential exit 0')
      && has(h, 'caption', (o) => /Essential container in task exited|essential report exited/.test(o.note) && /exit 0/.test(o.note))],
    [null, (h) => has(h, 'edge', (o) => o.id === 'EventBridge Scheduler')],
  ],
  // The NLB (cross-zone off by default) has a node per zone; each NLB line starts at its zone's node.
  'network-load-balancer': [180, (h) => {
    const nodes = h.scene.objects.filter((o) => o.kind === 'lb-node');
    const fromNode = h.scene.objects.filter((o) => o.kind === 'target-line' && nodes.some((n) => Math.abs(n.x + n.w / 2 - o.x) <= 1 && Math.abs(n.y + n.h / 2 - o.y) <= 1));
    return nodes.length === 2 && fromNode.length >= 2 && fromNode.every((l) => zoneOf(h, { x: l.x + l.w - 1, y: l.y + l.h - 1 }) === nodes.find((n) => Math.abs(n.x + n.w / 2 - l.x) <= 1).id)
      && /cross-zone off/.test(texts(h));
  }],
  // The zone goes dark: us-east-1a's two instances STOPPED and dimmed, 'packed' with no healthy
  // target; then every running task is in the other two zones.
  'lose-an-az': [
    [315, (h) => {
      const dark = h.scene.objects.filter((o) => o.kind === 'instance' && zoneOf(h, o) === 'us-east-1a');
      return dark.length === 2 && dark.every((o) => /dimmed$/.test(o.note)) && (texts(h).match(/STOPPED/g) ?? []).length >= 2
        && has(h, 'lb', (o) => /packed-tg \(0\//.test(o.note));
    }],
    [335, (h) => {
      const running = h.scene.objects.filter((o) => o.kind === 'task' && /^running/.test(o.note));
      return running.length >= 12 && running.every((o) => ['us-east-1b', 'us-east-1c'].includes(zoneOf(h, o)));
    }],
  ],
};

for (const [viewport, projection] of [[{ width: 1280, height: 720 }, true], [{ width: 1920, height: 1080 }, false]]) {
  const size = `${viewport.width}x${viewport.height}${projection ? '-projection' : ''}`;
  test(`every lesson's picture at ${size}: fits, never overlaps, lines end on ports, shows its concept`, async () => {
    const { page, problems } = await open(env, viewport, projection ? '?projection=1' : '');
    await page.click('#tab-scenario');
    const lessons = await page.$$eval('#lesson option', (o) => o.map((x) => x.value).filter(Boolean));
    for (const id of lessons) {
      await page.click('#tab-scenario');
      await page.selectOption('#lesson', id);
      await page.waitForSelector('#narrative');
      if (projection) {
        await page.keyboard.press('s');
        await page.waitForSelector('.app.side-folded');
      }
      const max = Number(await page.$eval('#timeline', (e) => e.max));
      // One [at, check] or a list of them; at null is the last narrative step.
      const entry = CONCEPT[id] ?? [null, () => true];
      const checks = Array.isArray(entry[0]) ? entry : [entry];
      // Each narrative step (from the lesson file) plus the concepts' moments.
      const times = (await hook(page)).narrative.map((at) => at + 5000);
      const concepts = checks.map(([at]) => (at === null ? times.at(-1) ?? 240000 : at * 1000));
      let k = 0;
      for (const t of [...new Set([...times, ...concepts])].filter((t) => t <= max).sort((a, b) => a - b)) {
        await seek(page, t);
        const h = await hook(page);
        assert.ok(h, `${id}: the scene hook is set`);
        checkFrame(`${id} @${t / 1000}s ${size}`, h);
        for (const [k2, at] of concepts.entries()) {
          if (at === t) assert.ok(checks[k2][1](h), `${id} @${t / 1000}s ${size}: the lesson's concept is on the canvas; texts: ${texts(h).slice(0, 600)}`);
        }
        await page.screenshot({ path: `${SHOTS}/picture-${id}-${k}-${size}.png` });
        k++;
      }
      if (projection) await page.keyboard.press('s');
    }
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('zoom and pan: +, −, 0, wheel and double-click keep the picture whole', async () => {
  const { page, problems } = await open(env, { width: 1280, height: 720 });
  await page.locator('#cluster').hover();
  await page.keyboard.press('+');
  await zoomIs(page, '1.25');
  await page.keyboard.press('0');
  await zoomIs(page, '1.00');
  const at = await page.$eval('#cluster', (c) => c.dataset.firstInstance);
  const [x, y] = at.split(',').map(Number);
  await page.dblclick('#cluster', { position: { x, y } });
  await page.waitForFunction(() => Number(document.querySelector('#cluster').dataset.zoom) > 1.5, null, { timeout: 5000 }).catch(() => {});
  assert.ok(Number(await page.$eval('#cluster', (c) => c.dataset.zoom)) > 1.5, 'double-click focuses the instance');
  await page.screenshot({ path: `${SHOTS}/picture-zoom-focus-1280x720.png` });
  await page.mouse.move(400, 300);
  await page.mouse.down();
  await page.mouse.move(300, 250, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.press('-');
  // Wheel out far more than the focus zoomed in (each event moves at most three notches).
  for (let i = 0; i < 4; i++) { await page.mouse.wheel(0, 400); await page.waitForTimeout(50); }
  await zoomIs(page, '1.00', 'zooming out stops at the whole picture');
  assert.deepEqual(problems, []);
  await page.close();
});

const encode = async (doc) => (await import('node:zlib')).deflateRawSync(Buffer.from(JSON.stringify(doc)), { level: 9 }).toString('base64url');

test('the minimap: past a few hundred instances, zoomed in, shows where the view is and moves it', async () => {
  const doc = {
    stevedore: 1, name: 'Minimap: 300 instances', seed: 1, duration: '1h',
    containerInstances: ['us-east-1a', 'us-east-1b', 'us-east-1c'].map((z) => ({ instanceType: 'm5.xlarge', availabilityZone: z, count: 100 })),
    taskDefinitions: [{ family: 'svc', containerDefinitions: [{ name: 'app', image: 'app:1', cpu: 256, memory: 1024 }] }],
    services: [{ serviceName: 'svc', taskDefinition: 'svc', desiredCount: 600, launchType: 'EC2' }],
  };
  for (const [viewport, query] of [[{ width: 1280, height: 720 }, '?projection=1'], [{ width: 1920, height: 1080 }, '']]) {
    const { page, problems } = await open(env, viewport, `${query}#s=${await encode(doc)}`);
    await page.waitForFunction(() => Number(document.querySelector('#summary').dataset.tasks) > 0, null, { timeout: 30000 });
    await page.locator('#cluster').hover();
    const minimap = async () => (await hook(page)).scene.objects.find((o) => o.kind === 'minimap');
    assert.equal(await minimap(), undefined, 'the whole cluster fits: no minimap');
    for (let i = 0; i < 6; i++) await page.keyboard.press('+');
    await page.waitForFunction(() => window.__stevedoreScene.scene.objects.some((o) => o.kind === 'minimap'), null, { timeout: 5000 }).catch(() => {});
    const m = await minimap();
    assert.ok(m, 'zoomed in on 300 instances: a minimap');
    const box = await page.$eval('#cluster', (c) => { const r = c.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; });
    // In the canvas's bottom-right quarter, the canvas's shape, the viewport rectangle inside it.
    assert.ok(m.x > box[2] / 2 && m.y > box[3] / 2 && m.x + m.w <= box[2] && m.y + m.h <= box[3], JSON.stringify(m));
    const view = () => minimap().then((o) => o.note.split(',').map(Number));
    // The view moves on the canvas's next frame: wait for the minimap's rectangle to change.
    const moved = (from) => page.waitForFunction((f) => window.__stevedoreScene.scene.objects.find((o) => o.kind === 'minimap')?.note !== f, from, { timeout: 5000 }).catch(() => {});
    const [vx, vy, vw, vh] = await view();
    assert.ok(vw < m.w / 2 && vh < m.h / 2 && vx >= m.x - 1 && vy >= m.y - 1 && vx + vw <= m.x + m.w + 1, `viewport ${[vx, vy, vw, vh]} in ${JSON.stringify(m)}`);
    await page.screenshot({ path: `${SHOTS}/picture-minimap-${viewport.width}x${viewport.height}.png` });
    // A click near the map's bottom-right corner moves the view there; a drag to its top-left
    // follows the pointer; the zoom stays.
    const zoom = await page.$eval('#cluster', (c) => c.dataset.zoom);
    await page.mouse.click(box[0] + m.x + m.w * 0.9, box[1] + m.y + m.h * 0.9);
    await moved([vx, vy, vw, vh].join(','));
    const [ax, ay, aw, ah] = await view();
    assert.ok(ax > vx + 5 && ay > vy + 5 && ax + aw >= m.x + m.w * 0.9 - 1, `click moved the view from ${[vx, vy]} to ${[ax, ay]}`);
    assert.ok(Math.abs(ax + aw / 2 - (m.x + m.w * 0.9)) < 2 || ax + aw >= m.x + m.w - 1, 'centred on the click unless at the edge');
    await page.mouse.move(box[0] + m.x + m.w * 0.8, box[1] + m.y + m.h * 0.8);
    await page.mouse.down();
    await page.mouse.move(box[0] + m.x + m.w * 0.3, box[1] + m.y + m.h * 0.4, { steps: 6 });
    await page.mouse.up();
    await moved([ax, ay, aw, ah].join(','));
    const [dx, dy, dw, dh] = await view();
    assert.ok(Math.abs(dx + dw / 2 - (m.x + m.w * 0.3)) < 2 && Math.abs(dy + dh / 2 - (m.y + m.h * 0.4)) < 2, `dragged view centred at ${[dx + dw / 2, dy + dh / 2]}`);
    await zoomIs(page, zoom);
    assert.equal((await hook(page)).scene.objects.some((o) => o.kind === 'instance' && o.note === 'selected'), false);
    await page.screenshot({ path: `${SHOTS}/picture-minimap-moved-${viewport.width}x${viewport.height}.png` });
    await page.keyboard.press('0');
    await zoomIs(page, '1.00');
    await page.waitForFunction(() => !window.__stevedoreScene.scene.objects.some((o) => o.kind === 'minimap'), null, { timeout: 5000 }).catch(() => {});
    assert.equal(await minimap(), undefined, 'back to the whole picture: no minimap');
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('slow start: a new target ramps on the canvas, its line sparse and its time left said', async () => {
  const lesson = JSON.parse(await (await import('node:fs/promises')).readFile('www/scenarios/first-light.json', 'utf8'));
  lesson.targetGroups[0].Attributes = [{ Key: 'slow_start.duration_seconds', Value: '120' }];
  for (const [viewport, query] of [[{ width: 1280, height: 720 }, '?projection=1'], [{ width: 1920, height: 1080 }, '']]) {
    const { page, problems } = await open(env, viewport, `${query}#s=${await encode(lesson)}`);
    if (query) { await page.keyboard.press('s'); await page.waitForSelector('.app.side-folded'); }
    // The scale-out at 5 min: its targets turn healthy a little later and ramp for 2 min.
    await seek(page, 375000);
    const h = await hook(page);
    checkFrame(`slow start ${viewport.width}`, h);
    const ramping = h.scene.objects.filter((o) => o.kind === 'target-line' && /slow start \d+% · \d+ s left/.test(o.note));
    assert.ok(ramping.length >= 1, `ramping lines: ${h.scene.objects.filter((o) => o.kind === 'target-line').map((o) => o.note)}`);
    assert.ok(h.scene.objects.filter((o) => o.kind === 'target-line' && o.note === 'healthy').length >= 6, 'the first six carry full weight');
    const tags = h.scene.objects.filter((o) => o.kind === 'slow-start');
    assert.ok(tags.length >= 1 && tags.every((o) => /^slow start \d+ s · \d+%$/.test(o.note)), JSON.stringify(tags));
    assert.ok(has(h, 'legend', (o) => /^slow start/.test(o.id)));
    await page.screenshot({ path: `${SHOTS}/picture-slow-start-${viewport.width}x${viewport.height}.png` });
    await seek(page, 560000);
    const later = await hook(page);
    assert.ok(!later.scene.objects.some((o) => o.kind === 'slow-start' || /slow start/.test(o.note)), 'after the window, full weight');
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('level of detail: 5,000 instances are density (or ticks) at zoom 1, ticks zoomed in, full cards far in', async () => {
  const doc = {
    stevedore: 1, name: 'LOD: 5,000 instances', seed: 1, duration: '1h',
    containerInstances: ['us-east-1a', 'us-east-1b', 'us-east-1c'].map((z, k) => ({ instanceType: 'm5.large', availabilityZone: z, count: k === 0 ? 1668 : 1666 })),
    taskDefinitions: [{ family: 'svc', containerDefinitions: [{ name: 'app', image: 'app:1', cpu: 256, memory: 512, portMappings: [{ containerPort: 80 }] }] }],
    // A daemon: every instance runs one task, so every card has a block.
    services: [{ serviceName: 'svc', taskDefinition: 'svc', launchType: 'EC2', schedulingStrategy: 'DAEMON' }],
  };
  for (const [viewport, query] of [[{ width: 1280, height: 720 }, '?projection=1'], [{ width: 1920, height: 1080 }, '']]) {
    const { page, problems } = await open(env, viewport, `${query}#s=${await encode(doc)}`);
    await page.waitForFunction(() => Number(document.querySelector('#summary').dataset.tasks) >= 5000, null, { timeout: 60000 });
    await page.locator('#cluster').hover();
    const legend = async () => (await hook(page)).scene.objects.filter((o) => o.kind === 'legend').map((o) => o.id).join(' | ');
    const cards = async () => (await hook(page)).scene.objects.filter((o) => o.kind === 'instance');
    await page.waitForFunction(() => window.__stevedoreScene?.scene.objects.some((o) => o.kind === 'legend' && /memory in use|tick = one task/.test(o.id)), null, { timeout: 10000 }).catch(() => {});
    // At 1280x720 a cell is ~10 px (density); at 1920x1080 ~16 px, room for a tick.
    assert.match(await legend(), /memory in use|tick = one task/, 'zoom 1: density or ticks');
    assert.equal((await cards()).length, 0, 'zoom 1: no card in detail');
    const zoomTo = async (presses) => {
      for (let i = 0; i < presses; i++) await page.keyboard.press('+');
      await page.waitForFunction((z) => Number(window.__stevedoreScene?.zoom[0]) >= z - 0.01, 1.25 ** presses, { timeout: 10000 }).catch(() => {});
    };
    await zoomTo(7);
    assert.match(await legend(), /tick = one task/, 'zoomed in: a tick per task');
    await page.screenshot({ path: `${SHOTS}/picture-lod-ticks-${viewport.width}x${viewport.height}.png` });
    await zoomTo(11);
    const near = await cards();
    const h = await hook(page);
    const [s, zx, zy] = h.zoom;
    const visible = { x: zx, y: zy, w: viewport.width / s, h: viewport.height / s };
    assert.ok(near.length >= 1 && near.length <= 40, `far in: ${near.length} cards in detail`);
    assert.ok(near.every((o) => o.x < visible.x + visible.w && o.x + o.w > visible.x && o.y < visible.y + visible.h && o.y + o.h > visible.y), 'only cards on screen are drawn in detail');
    assert.ok(h.scene.objects.some((o) => o.kind === 'task'), 'their task blocks too');
    await page.screenshot({ path: `${SHOTS}/picture-lod-cards-${viewport.width}x${viewport.height}.png` });
    assert.deepEqual(problems, []);
    await page.close();
  }
});
