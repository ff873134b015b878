// Charts (painted on canvas by chart_layout + paint): utilisation against the scaling target, task counts, requests,
// healthy hosts, with scaling activities marked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBrowser, open, SHOTS } from './harness.mjs';

let env;
before(async () => { env = await startBrowser(); });
after(async () => { await env.stop(); });

test('the target tracking lesson charts CPU against its target', async () => {
  const { page, problems } = await open(env, { width: 1280, height: 720 });
  await page.click('#tab-scenario');
  await page.selectOption('#lesson', 'target-tracking');
  await page.selectOption('#speed', '600');
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#clock').textContent >= '00:25:00', null, { timeout: 20000 });
  await page.click('#play');
  await page.click('#tab-charts');
  await page.waitForSelector('#chart-utilisation');
  const ids = await page.$$eval('#charts canvas', (c) => c.map((x) => x.id));
  assert.deepEqual(ids, ['chart-utilisation', 'chart-tasks', 'chart-requests', 'chart-healthy']);
  const colours = await page.$eval('#chart-utilisation', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4 * 13) seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
    return seen.size;
  });
  assert.ok(colours > 10, `the chart is drawn (${colours} colours)`);
  await page.screenshot({ path: `${SHOTS}/charts-target-tracking-1280x720.png` });
  assert.deepEqual(problems, []);
  await page.close();
});
