// Opens bench/live/player.html in Chromium (Playwright from web/node_modules) as `viewers`
// viewers who join `stagger` ms apart, and prints the frames each saw as JSON:
//   node player.mjs <url> <seconds> <viewers> <stagger ms>
import { createRequire } from 'node:module';

const require = createRequire(process.env.CIRRUS_WEB_DIR + '/package.json');
const { chromium } = require('@playwright/test');

const [url, seconds, viewers, stagger] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CIRRUS_CHROMIUM || '/usr/bin/chromium',
  args: ['--autoplay-policy=no-user-gesture-required'],
});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
try {
  const pages = [];
  for (let i = 0; i < Number(viewers); i++) {
    if (i > 0) await sleep(Number(stagger));
    const page = await browser.newPage();
    await page.goto(url);
    pages.push(page);
  }
  await sleep(Number(seconds) * 1000);
  const results = [];
  for (const page of pages) results.push(await page.evaluate(() => ({ samples: window.samples, errors: window.errors })));
  process.stdout.write(JSON.stringify(results));
} finally {
  await browser.close();
}
