// Direct-to-S3 uploads survive a lost connection and a page reload (issue 6).
import { expect, test, type Page } from '@playwright/test';
import { base, logIn, network } from './helpers';

const big = () => process.env.CIRRUS_BIG_FILE!;
const BIG_SIZE = 24 * 1024 * 1024; // three parts of 8 MiB (the server's smallest part size)
const THROTTLE = 4 * 1024 * 1024;

/** Parts this browser holds as sent, from the saved upload state. */
const partsDone = (page: Page) =>
  page.evaluate(() => {
    const saved = JSON.parse(localStorage.getItem('cirrus.directUploads') ?? '[]') as { partsDone: number[] }[];
    return saved[0]?.partsDone.length ?? 0;
  });

test.describe.configure({ mode: 'serial' });

test('an upload pauses when the network goes away and finishes when it is back', async ({ page }) => {
  await logIn(page, 'offliner');
  await page.goto(`${base()}/upload`);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await network(cdp, THROTTLE);
  await page.getByLabel('Choose a video file to upload').setInputFiles(big());
  await expect.poll(() => partsDone(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
  await network(cdp, THROTTLE, true);
  await expect(page.getByText(/Paused: .* Retrying in \d+ s/)).toBeVisible();
  await page.waitForTimeout(1500);
  await network(cdp, -1);
  await expect(page.getByText('Upload complete')).toBeVisible({ timeout: 30_000 });
  expect(await page.evaluate(() => localStorage.getItem('cirrus.directUploads'))).toBe('[]');
});

test('after a reload, picking the same file again sends only the missing parts', async ({ page }) => {
  await logIn(page, 'reloader');
  await page.goto(`${base()}/upload`);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await network(cdp, THROTTLE);
  await page.getByLabel('Choose a video file to upload').setInputFiles(big());
  await expect.poll(() => partsDone(page), { intervals: [100], timeout: 30_000 }).toBeGreaterThanOrEqual(1);
  await page.reload();
  await expect(page.getByText('You have unfinished uploads')).toBeVisible();
  await expect(page.getByText(/big\.mp4 \(\d+ % of 24/)).toBeVisible();

  const partsSent: number[] = [];
  page.on('requestfinished', (request) => {
    const part = /partNumber=(\d+)/.exec(request.url());
    if (request.method() === 'PUT' && part) partsSent.push(Number(part[1]));
  });
  await page.getByLabel('Choose a video file to upload').setInputFiles(big());
  await expect(page.getByText('Upload complete')).toBeVisible({ timeout: 30_000 });
  const bytesSent = partsSent.length * 8 * 1024 * 1024;
  expect(partsSent.length).toBeGreaterThan(0);
  expect(bytesSent, `parts sent after the reload: ${partsSent.join(', ')}`).toBeLessThan(BIG_SIZE);
});
