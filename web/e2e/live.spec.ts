// A live as its streamer and a viewer of the web client see it: created on the Go live page,
// waiting, then on air with hls.js and its viewer counted, then ended, then replaced by its
// replay, each change heard over socket.io's /live-videos (no reload by the test). The
// stream is ffmpeg pushing to the RTMP URL and key the page gives.
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { base, logIn, SHARED_CREATOR, SHARED_PASSWORD, shots } from './helpers';

test('a viewer watches a live and then its replay, told of each change as it happens', async ({ page }) => {
  test.setTimeout(240_000);
  // The streamer creates the live in the web client, as PeerTube's "Go live" tab does.
  await logIn(page, SHARED_CREATOR, SHARED_PASSWORD);
  await page.goto(`${base()}/upload`);
  await page.getByRole('link', { name: 'go live' }).click();
  await page.getByLabel('Title').fill('A browser live');
  await page.getByLabel('Save a replay when the live ends').check();
  await page.getByLabel('Latency').selectOption({ label: 'Small latency (no P2P)' });
  await page.getByRole('button', { name: 'Create the live' }).click();
  const rtmpUrl = await page.getByTestId('rtmp-url').textContent();
  const streamKey = await page.getByTestId('stream-key').textContent();
  expect(rtmpUrl).toMatch(/^rtmp:\/\//);
  expect(streamKey).toMatch(/^[0-9a-f-]{36}$/);
  await page.getByRole('link', { name: "Open the live's page" }).click();
  await expect(page.getByText('The live has not started yet')).toBeVisible();

  // 25 s of 360p with sound, sent in real time as an encoder would.
  const encoder = spawn('ffmpeg', [
    '-v', 'error', '-re',
    '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=30',
    '-f', 'lavfi', '-i', 'sine=frequency=440',
    '-t', '25', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '30', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-f', 'flv', `${rtmpUrl}/${streamKey}`,
  ]);
  const sent = new Promise<number | null>((resolve) => encoder.once('exit', resolve));
  try {
    // On air: the page heard state-change 1 and plays the live.
    await expect(page.locator('.live-status .live-badge')).toBeVisible({ timeout: 60_000 });
    const player = page.getByTestId('player');
    await expect.poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 30_000 }).toBeGreaterThan(1);
    // The player's pings count it as a viewer, and the count comes back over socket.io.
    await expect(page.locator('.live-status')).toContainText('1 watching', { timeout: 20_000 });
    await page.screenshot({ path: shots('live-on-air') });
    expect(await sent).toBe(0);
  } finally {
    encoder.kill('SIGKILL');
  }
  // Ended: the page heard state-change 5 once the ingest closed the session.
  await expect(page.getByText('This live has ended')).toBeVisible({ timeout: 30_000 });
  // The replay: the same video, published once transcoded, plays as a video (no LIVE badge).
  await expect(page.locator('.live-status')).toHaveCount(0, { timeout: 150_000 });
  const replay = page.getByTestId('player');
  await expect.poll(() => replay.evaluate((v: HTMLVideoElement) => v.duration), { timeout: 30_000 }).toBeGreaterThan(15);
  await page.screenshot({ path: shots('live-replay') });
});
