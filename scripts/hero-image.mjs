// Regenerates the README's hero image, docs/images/first-light.png, from the real app (the
// release build in dist/), so it cannot show an older interface. scripts/test.sh runs it after
// the browser tests; run it alone with: node scripts/hero-image.mjs [out.png]
import { startBrowser, open } from '../tests/e2e/harness.mjs';

const out = process.argv[2] ?? 'docs/images/first-light.png';
const env = await startBrowser();
try {
  const { page, problems } = await open(env, { width: 1280, height: 720 });
  // The default lesson 40 s in: six tasks running in three zones, every target healthy.
  await page.$eval('#timeline', (t) => { t.value = '40000'; t.dispatchEvent(new Event('input', { bubbles: true })); });
  await page.waitForFunction(() => document.querySelector('#summary').dataset.healthyTargets === '6', null, { timeout: 10000 });
  const at = await page.$eval('#cluster', (c) => c.dataset.firstTask);
  if (at) {
    const [x, y] = at.split(',').map(Number);
    await page.click('#cluster', { position: { x, y } });
    await page.waitForSelector('#why-here');
  }
  await page.waitForTimeout(300);
  await page.screenshot({ path: out });
  if (problems.length) throw new Error(`the page reported problems: ${problems.join('; ')}`);
  console.log(`wrote ${out}`);
} finally {
  await env.stop();
}
