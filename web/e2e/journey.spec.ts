// The viewer and creator journey of issue 6, in a real browser against the local stack.
import { expect, test } from '@playwright/test';
import { base, shots, signUp } from './helpers';

const stamp = Date.now().toString(36);
const TITLE = `Browser clip ${stamp}`;

test('sign up, log in, upload, publish, watch, comment, like, search, subscribe', async ({ page }) => {
  const creator = `maker${stamp}`;
  await signUp(page, creator);

  // Log out, then log in with the password grant.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('link', { name: 'Log in' }).click();
  await page.getByLabel('Username or email').fill(creator);
  await page.getByLabel('Password').fill('a-good-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();

  // Upload, slowed down so the progress bar is seen moving.
  await page.getByRole('link', { name: 'Upload' }).click();
  await expect(page.getByLabel('Choose a video file to upload')).toBeVisible();
  await page.screenshot({ path: shots('upload'), fullPage: true });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 1.5 * 1024 * 1024,
  });
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { progressSeen: number[] }).progressSeen = seen;
    setInterval(() => {
      const bar = document.querySelector<HTMLProgressElement>('[data-testid="upload-progress"]');
      if (bar && seen[seen.length - 1] !== bar.value) seen.push(bar.value);
    }, 50);
  });
  await page.getByLabel('Choose a video file to upload').setInputFiles(process.env.CIRRUS_CLIP!);
  await expect(page.getByText(/Uploading: \d+ %/)).toBeVisible();
  await expect(page.getByText(/\/s · /)).toBeVisible(); // speed and time left
  await page.screenshot({ path: shots('upload-progress'), fullPage: true });
  await expect(page.getByText('Upload complete')).toBeVisible({ timeout: 60_000 });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  const seen = await page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
  const between = seen.filter((v) => v > 0 && v < Math.max(...seen));
  expect(between.length, `progress values seen: ${seen.join(', ')}`).toBeGreaterThanOrEqual(2);

  await page.getByLabel('Title').fill(TITLE);
  await page.getByLabel('Tags').fill('test, browser');
  await page.getByLabel('Description').fill('A clip made by **ffmpeg** for the browser test.');
  await page.getByRole('button', { name: 'Save and publish' }).click();
  await expect(page.getByTestId('processing')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Watch your video' })).toBeVisible({ timeout: 120_000 });
  // Watchable from its first rendition on; the page follows it until the last is in.
  await expect(page.getByTestId('upload-published')).toContainText(`${TITLE} is published.`, { timeout: 120_000 });
  await page.screenshot({ path: shots('upload-published'), fullPage: true });
  await page.getByRole('button', { name: 'Log out' }).click();

  // A viewer finds the video by searching, watches it, comments, likes and subscribes.
  await signUp(page, `viewer${stamp}`);
  await page.getByLabel('Search videos and channels').fill(TITLE);
  await page.getByLabel('Search videos and channels').press('Enter');
  const found = page.getByRole('list', { name: 'Videos found' }).getByRole('link', { name: TITLE });
  await expect(found).toBeVisible();
  await found.click();

  // The watch page's code loads on the first visit; the search page stays until it has.
  await expect(page.getByRole('heading', { level: 1, name: TITLE, exact: true })).toBeVisible();
  await expect(page.locator('.description strong')).toHaveText('ffmpeg');
  const video = page.getByTestId('player');
  await page.evaluate(() => {
    const v = document.querySelector('video')!;
    v.muted = true;
    void v.play();
  });
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 }).toBeGreaterThan(1);
  const quality = page.getByLabel('Quality');
  const options = await quality.locator('option').allTextContents();
  expect(options.length, options.join(', ')).toBeGreaterThanOrEqual(3); // Auto + two resolutions
  const lowest = await quality.locator('option').last().getAttribute('value');
  await quality.selectOption(lowest!);
  const before = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 15_000 }).toBeGreaterThan(before + 0.5);
  await page.screenshot({ path: shots('watch'), fullPage: true });

  await page.getByLabel('Add a comment').fill('Nice clip!');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.locator('.comment__text', { hasText: 'Nice clip!' })).toBeVisible();

  const like = page.getByRole('button', { name: /^👍 Like/ });
  await like.click();
  await expect(like).toHaveAttribute('aria-pressed', 'true');
  await expect(like.locator('.count')).toHaveText('1');

  await page.getByRole('button', { name: 'Subscribe', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Subscribed' })).toBeVisible();
  await page.getByRole('link', { name: 'My library' }).click();
  await page.getByRole('link', { name: 'Subscriptions' }).click();
  await expect(page.getByRole('link', { name: TITLE })).toBeVisible();

  await page.goto(`${base()}/`);
  await expect(page.getByRole('list', { name: 'Recently added' }).getByRole('link', { name: TITLE })).toBeVisible();
  await page.screenshot({ path: shots('home'), fullPage: true });

  await page.setViewportSize({ width: 375, height: 740 });
  await page.screenshot({ path: shots('home-phone'), fullPage: true });
});
