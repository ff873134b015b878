// The cost meter and the Compare view: a cost lesson's meter counts up as time passes, and the
// Compare tab ranks the lesson's variants by cost on one clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, open, SHOTS } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env.stop(); });

const usd = (page) => page.$eval('#cost-meter', (e) => Number(e.dataset.usd));

// Waits until every run in the table has reached the app's clock (hh:mm:ss).
async function onOneClock(page) {
  await page.waitForFunction(() => {
    const [h, m, s] = document.querySelector('#clock').textContent.split(':').map(Number);
    const rows = [...document.querySelectorAll('#compare-table thead th[data-run]')];
    return rows.length > 0 && rows.every((r) => r.dataset.elapsed === String(h * 3600 + m * 60 + s));
  });
}

async function openLesson(page, id) {
  await page.click('#tab-scenario');
  await page.selectOption('#lesson', id);
}

async function playUntil(page, clock) {
  await page.selectOption('#speed', '3600');
  await page.click('#play');
  await page.waitForFunction((c) => document.querySelector('#clock').textContent >= c, clock, { timeout: 30000 });
  await page.click('#play');
}

for (const [viewport, query] of [[{ width: 1280, height: 720 }, '?projection=1'], [{ width: 1920, height: 1080 }, '']]) {
  const size = `${viewport.width}x${viewport.height}`;
  test(`cost meter and Compare view at ${size}`, async () => {
    const { page, problems } = await open(env, viewport, query);
    await openLesson(page, 'cost-spot-ondemand-fargate');
    // The meter is always in the toolbar; at time zero nothing has been billed yet.
    assert.match(await page.textContent('#cost-meter'), /^\$[\d.]+ · \$[\d.]+\/h$/);
    await playUntil(page, '00:30:00');
    const first = await usd(page);
    assert.ok(first > 0, `the meter counts once instances run (${first})`);
    assert.ok(await page.$eval('#cost-meter', (e) => Number(e.dataset.usdPerHour)) > 0);
    await playUntil(page, '02:00:00');
    const later = await usd(page);
    assert.ok(later > first, `the meter increases as time passes (${first} -> ${later})`);

    // The Charts tab shows what it costs over time.
    await page.click('#tab-charts');
    await page.waitForSelector('#chart-cost');
    await page.$eval('#cost-charts', (e) => e.scrollIntoView());
    await page.screenshot({ path: `${SHOTS}/cost-charts-${size}.png` });

    await page.click('#tab-compare');
    // Every run is on the app's clock.
    await onOneClock(page);
    const rows = await page.$$eval('#compare-table thead th[data-run]', (rs) => rs.map((r) => ({ run: r.dataset.run, cost: Number(r.dataset.cost) })));
    assert.deepEqual(rows.map((r) => r.run), ['base', 'EC2 Spot', 'Fargate', 'Fargate Spot']);
    const cost = Object.fromEntries(rows.map((r) => [r.run, r.cost]));
    assert.ok(cost['Fargate Spot'] < cost.Fargate, `Fargate Spot is cheaper than Fargate (${cost['Fargate Spot']} vs ${cost.Fargate})`);
    assert.ok(cost.Fargate < cost.base, `Fargate is cheaper than On-Demand EC2 here (${cost.Fargate} vs ${cost.base})`);
    assert.ok(cost['EC2 Spot'] < cost.base, 'EC2 Spot is cheaper than On-Demand');
    // The base run is the app's own run: same cost as the meter.
    assert.ok(Math.abs(cost.base - await usd(page)) < 1e-6, 'the base row matches the meter');
    await page.waitForSelector('#compare-chart-cost');
    await page.screenshot({ path: `${SHOTS}/compare-${size}.png` });

    // Unpicking a run drops its row.
    await page.click('#compare-pick-1');
    await page.waitForFunction(() => document.querySelectorAll('#compare-table thead th[data-run]').length === 3);
    await page.click('#compare-pick-1');
    await page.waitForFunction(() => document.querySelectorAll('#compare-table thead th[data-run]').length === 4);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('editing a variant patch reruns it; a bad patch names its path and keeps text and run', async () => {
  const { page, problems } = await open(env, { width: 1920, height: 1080 });
  await openLesson(page, 'cost-spot-ondemand-fargate');
  await playUntil(page, '01:00:00');
  await page.click('#tab-compare');
  await onOneClock(page);
  const cost = (run) => page.$eval(`#compare-table th[data-run="${run}"]`, (h) => h.dataset.cost);
  const base = await cost('base');
  const spot = await cost('EC2 Spot');
  assert.notEqual(spot, base);
  await page.click('.compare-patch summary');
  // An empty patch makes the variant the base again, rerun on the same clock. Typed key by
  // key, as a person would, while the app redraws between keystrokes.
  await page.fill('#compare-patch-1', '');
  await page.type('#compare-patch-1', '[]', { delay: 50 });
  await page.click('#compare-rerun-1');
  await page.waitForFunction((b) => document.querySelector('#compare-table th[data-run="EC2 Spot"]').dataset.cost === b, base);
  await onOneClock(page);
  // A bad patch: the error names its path, the run stays, the text stays as typed.
  const bad = '[{"op": "remove", "path": "/nope"}]';
  await page.fill('#compare-patch-1', bad);
  await page.locator('#compare-patch-1').blur();
  await page.waitForSelector('#compare-error-1');
  assert.match(await page.textContent('#compare-error-1'), /\$\.variants\[0\]\.patch\[0\]/);
  assert.equal(await page.inputValue('#compare-patch-1'), bad);
  assert.equal(await cost('EC2 Spot'), base, 'the last good run is kept');
  await page.waitForTimeout(300);
  assert.equal(await page.inputValue('#compare-patch-1'), bad, 'a redraw does not put back the old text');
  await page.screenshot({ path: `${SHOTS}/compare-patch-error-1920x1080.png` });
  assert.deepEqual(problems, []);
  await page.close();
});

// The inspector's cost per service: an EC2 instance split over its tasks' services and its
// unused capacity; an EC2 task's share of its instance.
async function clickAt(page, attr) {
  const [x, y] = (await page.$eval('#cluster', (c, a) => c.dataset[a], attr)).split(',').map(Number);
  const box = await page.locator('#cluster').boundingBox();
  await page.mouse.click(box.x + x, box.y + y);
}

test('the inspector splits an EC2 instance by service and shows unused capacity', async () => {
  const { page, problems } = await open(env, { width: 1280, height: 720 }, '?projection=1');
  await openLesson(page, 'first-light');
  await playUntil(page, '00:10:00');
  await page.click('#tab-inspect');
  await page.waitForFunction(() => document.querySelector('#cluster').dataset.firstInstance);
  // A caption bubble can sit over the instance's point for a moment: click again if so.
  for (let i = 0; i < 3; i++) {
    await clickAt(page, 'firstInstance');
    if (await page.waitForSelector('#inspector[data-kind="instance"]', { timeout: 3000 }).catch(() => null)) break;
  }
  await page.waitForSelector('#inspector[data-kind="instance"]');
  await page.waitForSelector('#cost-inspector #cost-unused');
  const money = (sel) => page.$$eval(sel, (es) => es.map((e) => Number(e.textContent.replace('$', ''))));
  const [own] = await money('#cost-inspector #cost-own');
  const parts = [...await money('#cost-inspector #cost-instance-service'), ...await money('#cost-inspector #cost-unused')];
  assert.ok(own > 0 && parts.length >= 2, `${own} ${parts}`);
  // Each part is rounded for display: they add up to the instance's charge within rounding.
  assert.ok(Math.abs(parts.reduce((a, b) => a + b, 0) - own) < 0.01 * parts.length + 1e-9, `${parts} vs ${own}`);
  assert.match(await page.textContent('#cost-inspector'), /Its tasks of service web/);
  assert.match(await page.textContent('#cost-inspector'), /Unused capacity/);
  await page.$eval('#cost-inspector', (e) => e.scrollIntoView());
  await page.screenshot({ path: `${SHOTS}/cost-inspector-instance-1280x720.png` });
  await page.waitForFunction(() => document.querySelector('#cluster').dataset.firstTask);
  await clickAt(page, 'firstTask');
  await page.waitForSelector('#cost-inspector #cost-share');
  assert.match(await page.textContent('#cost-inspector'), /Share of i-[0-9a-f]+/);
  assert.deepEqual(problems, []);
  await page.close();
});
