// A new user's and a teacher's first hour, outside the canvas: the editor and its errors, the
// share link, the event log's words, narratives and clocks, charts, the inspector and the tabs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, open as openWith, SHOTS } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env.stop(); });
const open = (viewport, query) => openWith(env, viewport, query);

const seek = (page, ms) => page.$eval('#timeline', (t, v) => { t.value = String(v); t.dispatchEvent(new Event('input', { bubbles: true })); }, ms);
const lesson = async (page, id) => {
  await page.click('#tab-scenario');
  await page.selectOption('#lesson', id);
  await page.waitForSelector('#narrative');
};
const inView = (box, vh) => box && box.y >= 0 && box.y + box.height <= vh;

test('editor errors: JSON words, one per cause, in view at 720p, each a link to its line', async () => {
  const { page, problems } = await open();
  await page.click('#tab-scenario');
  const text = await page.inputValue('#scenario-text');
  assert.ok(text.includes('"desiredCount": 6'));
  await page.fill('#scenario-text', text.replace('"desiredCount": 6', '"desiredCount": "six"'));
  await page.click('#apply');
  const items = await page.$$eval('#editor-errors li', (l) => l.map((e) => e.textContent));
  assert.equal(items.length, 1, `one cause, one error: ${items}`);
  assert.match(items[0], /\$\.services\[0\]\.desiredCount: wrong type: found the text "six", expected a whole number/);
  assert.doesNotMatch(items[0], /i64|u32/);
  assert.ok(inView(await page.locator('#editor-errors').boundingBox(), 720), 'the error list is visible without scrolling');
  // The line it names is marked in the gutter, and a click puts the cursor on it.
  const line = Number(await page.getAttribute('#editor-errors .error-link', 'data-line'));
  assert.equal(text.split('\n')[line - 1].trim(), '"desiredCount": 6,');
  assert.deepEqual(await page.$$eval('#gutter .bad', (l) => l.map((e) => Number(e.dataset.line))), [line]);
  await page.click('#editor-errors .error-link');
  const at = await page.$eval('#scenario-text', (t) => ({ line: t.value.slice(0, t.selectionStart).split('\n').length, top: t.scrollTop, per: t.scrollHeight / t.value.split('\n').length, h: t.clientHeight }));
  assert.equal(at.line, line);
  assert.ok((line - 1) * at.per >= at.top && (line - 1) * at.per < at.top + at.h, `line ${line} is scrolled into the text's view (${JSON.stringify(at)})`);
  const gutterTop = await page.$eval('#gutter', (g) => g.scrollTop);
  assert.ok(Math.abs(gutterTop - at.top) < 2, 'line numbers stay level with the text');
  await page.screenshot({ path: `${SHOTS}/editor-error-1280x720.png` });
  // A syntax error gives its line and column once.
  await page.fill('#scenario-text', '{\n  "name": "x",\n}');
  await page.click('#apply');
  const syntax = await page.textContent('#editor-errors li');
  assert.match(syntax, /line 3 · \$: not valid JSON at line 3, column 1: /);
  assert.equal(syntax.match(/column/g).length, 1, syntax);
  assert.deepEqual(problems, []);
  await page.close();
});

test('Export looks like the buttons beside it; Share link says it copied, in view at 720p', async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.origin });
  await page.goto(`${env.origin}/`);
  await page.waitForSelector('#summary[data-tasks]', { state: 'attached' });
  await page.click('#tab-scenario');
  const style = (sel) => page.$eval(sel, (e) => { const s = getComputedStyle(e); return [s.color, s.borderTopColor, s.borderRadius, s.textDecorationLine, s.fontWeight]; });
  assert.deepEqual(await style('#export'), await style('#share'));
  await page.click('#share');
  await page.waitForSelector('#share-status.ok');
  assert.match(await page.textContent('#share-status'), /Link copied/);
  assert.ok(inView(await page.locator('#share-status').boundingBox(), 720));
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, await page.inputValue('#share-link'));
  assert.match(copied, /#s=/);
  await page.screenshot({ path: `${SHOTS}/share-copied-1280x720.png` });
  await page.close();
});

test('without a clipboard the share link is selected for Ctrl+C', async () => {
  const page = await env.browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined }));
  await page.goto(`${env.origin}/`);
  await page.waitForSelector('#summary[data-tasks]', { state: 'attached' });
  await page.click('#tab-scenario');
  await page.click('#share');
  await page.waitForFunction(() => /selected/.test(document.querySelector('#share-status')?.textContent ?? ''));
  const sel = await page.evaluate(() => ({ id: document.activeElement.id, start: document.activeElement.selectionStart, end: document.activeElement.selectionEnd, len: document.activeElement.value.length }));
  assert.deepEqual(sel, { id: 'share-link', start: 0, end: sel.len, len: sel.len });
  assert.ok(inView(await page.locator('#share-status').boundingBox(), 720));
  // Selecting happens once: typing in the editor afterwards keeps the focus there.
  await page.click('#scenario-text');
  await page.keyboard.type(' ');
  await page.waitForTimeout(100);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'scenario-text');
  await page.close();
});

test('the event log: each → stop has a line, short names, full ids in the detail', async () => {
  const { page, problems } = await open();
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('ArrowRight');
    const clock = await page.textContent('#clock');
    const [h, m, s] = clock.split(':').map(Number);
    const top = await page.$eval('#event-log .entry', (e) => Number(e.dataset.at));
    assert.equal(Math.floor(top / 1000), (h * 60 + m) * 60 + s, `stop ${i + 1} at ${clock} is the newest line`);
  }
  const shown = await page.$$eval('#event-log .entry', (l) => l.map((e) => (e.querySelector('summary') ?? e.querySelector('.message')).textContent));
  for (const line of shown) {
    assert.doesNotMatch(line, /[0-9a-f]{32}/, `a full task id in the line: ${line}`);
    assert.doesNotMatch(line, /:targetgroup\//, line);
  }
  assert.ok(shown.some((l) => /target-group web-tg/.test(l)), shown.join('\n'));
  const detail = await page.$eval('#event-log details', (d) => d.querySelector('.detail').textContent);
  assert.match(detail, /[0-9a-f]{32}|arn:aws:/);
  await page.screenshot({ path: `${SHOTS}/event-log-steps-1280x720.png` });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the Secrets lesson: its stopped task opens from the event log, as the narrative says', async () => {
  const { page, problems } = await open();
  await lesson(page, 'secrets-environment');
  await seek(page, 60000);
  await page.click('#tab-inspect');
  assert.match(await page.textContent('#narrative'), /event log: click the task id on a red billing line/);
  await page.click('#event-log .entry.taskStopped .task-link');
  await page.waitForSelector('#stopped-reason');
  assert.match(await page.textContent('#stopped-reason'), /ResourceInitializationError/);
  assert.match(await page.textContent('#inspector'), /STOPPED/);
  // A stopped task keeps its placement's outcome, and says the per-instance verdicts went.
  const why = await page.textContent('#why-here');
  assert.match(why, /placed on i-[0-9a-f]+/);
  assert.match(why, /Each instance's verdict is kept while the task runs\./);
  assert.equal(await page.$$eval('#why-here tbody tr', (r) => r.length), 0);
  assert.equal(await page.$eval('.side', (s) => s.scrollTop), 0, 'the panel shows the new selection from its top');
  await page.screenshot({ path: `${SHOTS}/secrets-stopped-task-1280x720.png` });
  assert.deepEqual(problems, []);
  await page.close();
});

test('narrative times use the toolbar clock; the scenario wall clock is shown beside it', async () => {
  const { page, problems } = await open();
  await lesson(page, 'batch-scheduled');
  assert.equal(await page.textContent('#wall-clock'), '01:50:00 UTC');
  assert.match(await page.textContent('#narrative'), /At 00:00:30 \(01:50:30 UTC/);
  await seek(page, 10 * 60000);
  assert.equal(await page.textContent('#clock'), '00:10:00');
  assert.equal(await page.textContent('#wall-clock'), '02:00:00 UTC');
  assert.match(await page.textContent('#narrative'), /At 00:10:00 \(02:00 UTC\)/);
  // One row: every visible item overlaps the brand's band vertically.
  const wrapped = await page.$$eval('.toolbar > *', (l) => {
    const band = l[0].getBoundingClientRect();
    return l.filter((e) => e.offsetParent && e.getBoundingClientRect().top >= band.bottom).map((e) => e.id || e.className);
  });
  assert.deepEqual(wrapped, [], 'the toolbar stays one row at 1280 px');
  await page.screenshot({ path: `${SHOTS}/batch-clocks-1280x720.png` });
  assert.deepEqual(problems, []);
  await page.close();
});

test('an instance running an image does not say its image cache is empty', async () => {
  const { page } = await open();
  await seek(page, 60000);
  const at = await page.$eval('#cluster', (c) => c.dataset.firstInstance);
  const [x, y] = at.split(',').map(Number);
  await page.click('#cluster', { position: { x, y } });
  await page.waitForSelector('#image-cache');
  assert.match(await page.textContent('#image-cache'), /^1 image: /);
  await page.close();
});

for (const [projection, min] of [[false, 12], [true, 16]]) {
  test(`charts: legends off the data and ≥ ${min} px${projection ? ' in projection' : ''}`, async () => {
    const { page, problems } = await open({ width: 1280, height: 720 }, projection ? '?projection=1' : '');
    await lesson(page, 'target-tracking');
    await seek(page, 30 * 60000);
    await page.click('#tab-charts');
    await page.waitForSelector('#chart-tasks');
    await page.waitForTimeout(200);
    const legend = await page.$$eval('#charts .legend li', (l) => l.map((e) => parseFloat(getComputedStyle(e).fontSize)));
    assert.ok(legend.length >= 4 && legend.every((px) => px >= min), `legend sizes ${legend}`);
    const sizes = await page.$$eval('#charts canvas', (l) => l.map((c) => [c.width, c.clientWidth]));
    for (const [w, shown] of sizes) assert.equal(w, shown, 'drawn at the size shown, so label pixels are real pixels');
    const swatches = await page.$$eval('#chart-tasks + .legend .swatch', (l) => l.map((e) => e.className));
    assert.deepEqual(swatches, ['swatch dashed', 'swatch marked', 'swatch solid']);
    await page.screenshot({ path: `${SHOTS}/charts${projection ? '-projection' : ''}-1280x720.png` });
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('projection inspector wraps by phrases; the panel starts at the top for each selection', async () => {
  const { page, problems } = await open({ width: 1280, height: 720 }, '?projection=1');
  await seek(page, 30000);
  const at = await page.$eval('#cluster', (c) => c.dataset.firstTask);
  const [x, y] = at.split(',').map(Number);
  await page.click('#cluster', { position: { x, y } });
  await page.waitForSelector('#why-here');
  // Values get the panel's width: no column of one word per line.
  const narrow = await page.$$eval('#inspector dd', (l) => l.filter((d) => d.textContent.includes(' ') && d.getBoundingClientRect().width < 200).length);
  assert.equal(narrow, 0);
  await page.screenshot({ path: `${SHOTS}/inspector-projection-1280x720.png` });
  await page.$eval('.side', (s) => { s.scrollTop = s.scrollHeight; });
  await page.click('#inspector .facts .link'); // its instance
  await page.waitForSelector('#inspector[data-kind=instance]');
  assert.equal(await page.$eval('.side', (s) => s.scrollTop), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('at 1024×768 the tabs are readable, in one row', async () => {
  const { page } = await open({ width: 1024, height: 768 });
  const tabs = await page.$$eval('.tab', (l) => l.map((t) => ({ text: t.textContent, clipped: t.scrollWidth > t.clientWidth + 1, top: t.offsetTop })));
  assert.deepEqual(tabs.map((t) => t.text), ['Inspect', 'Charts', 'Platform', 'Scenario']);
  assert.ok(tabs.every((t) => !t.clipped), JSON.stringify(tabs));
  assert.equal(new Set(tabs.map((t) => t.top)).size, 1, JSON.stringify(tabs));
  await page.screenshot({ path: `${SHOTS}/tabs-1024x768.png` });
  await page.close();
});

test('in projection at 1280×720 the tabs stay in one row, even with the editor\'s ⚠', async () => {
  const { page } = await open({ width: 1280, height: 720 }, '?projection=1');
  await page.click('#tab-scenario');
  await page.fill('#scenario-text', '{');
  await page.click('#apply');
  await page.waitForSelector('#editor-errors');
  const tabs = await page.$$eval('.tab', (l) => l.map((t) => ({ text: t.textContent, clipped: t.scrollWidth > t.clientWidth + 1, top: t.offsetTop })));
  assert.equal(tabs[3].text, 'Scenario ⚠');
  assert.ok(tabs.every((t) => !t.clipped), JSON.stringify(tabs));
  assert.equal(new Set(tabs.map((t) => t.top)).size, 1, JSON.stringify(tabs));
  assert.ok(inView(await page.locator('#editor-errors').boundingBox(), 720));
  await page.screenshot({ path: `${SHOTS}/editor-projection-1280x720.png` });
  await page.close();
});
