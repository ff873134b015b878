// Screenshot a lesson at a moment (for looking at it while developing): node scripts/screenshot-lesson.mjs <lesson> <clock hh:mm:ss> <tab> [projection]
import { startBrowser, open, SHOTS } from '../tests/e2e/harness.mjs';
const [lesson, clock, tab = 'inspect', projection] = process.argv.slice(2);
const env = await startBrowser();
const { page, problems } = await open(env, { width: 1280, height: 720 }, projection ? '?projection=1' : '');
await page.click('#tab-scenario');
await page.selectOption('#lesson', lesson);
await page.waitForSelector('#narrative');
await page.selectOption('#speed', '60');
await page.click('#play');
await page.waitForFunction((c) => document.querySelector('#clock').textContent >= c, clock, { timeout: 60000 });
await page.click('#play');
await page.click(`#tab-${tab}`);
if (tab === 'inspect') {
  const at = await page.$eval('#cluster', (c) => c.dataset.firstTask);
  if (at) { const [x, y] = at.split(',').map(Number); await page.click('#cluster', { position: { x, y } }); }
}
await page.waitForTimeout(300);
const file = `${SHOTS}/dev-${lesson}-${tab}${projection ? '-projection' : ''}.png`;
await page.screenshot({ path: file });
console.log(file);
console.log(problems);
await env.stop();
