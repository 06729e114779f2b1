// Two viewers of one video, in two browser contexts: the second gets segments from the
// first over WebRTC (peers met through the instance's tracker, segments checked against
// the video's hashes) and says so under the player (issue 8).
import { expect, test, type Browser, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { outputDir } from './global-setup';
import { base, shots, tokens } from './helpers';

// 36 s of 144p: one resolution, so both viewers are in one swarm, and nine segments of 4 s,
// so some lie beyond the 15 s the player always fetches over HTTP (the shared 12 s clip is
// all within it).
async function publishLongClip(): Promise<string> {
  const clip = join(outputDir, 'p2p-clip.mp4');
  execFileSync('ffmpeg', [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc=size=256x144:rate=30',
    '-f', 'lavfi', '-i', 'sine=frequency=660',
    '-t', '36', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', clip,
  ]);
  const bearer = { Authorization: `Bearer ${tokens.sharedCreator()}` };
  const me = (await (await fetch(`${base()}/api/v1/users/me`, { headers: bearer })).json()) as { videoChannels: { id: number }[] };
  const form = new FormData();
  form.set('name', 'P2P clip');
  form.set('channelId', String(me.videoChannels[0]!.id));
  form.set('privacy', '1');
  form.set('videofile', new Blob([readFileSync(clip)], { type: 'video/mp4' }), 'p2p.mp4');
  const uploaded = await fetch(`${base()}/api/v1/videos/upload`, { method: 'POST', headers: bearer, body: form });
  expect(uploaded.ok).toBe(true);
  const { uuid } = ((await uploaded.json()) as { video: { uuid: string } }).video;
  await expect
    .poll(async () => ((await (await fetch(`${base()}/api/v1/videos/${uuid}`)).json()) as { state?: { id: number } }).state?.id, {
      timeout: 120_000,
      intervals: [1000],
    })
    .toBe(1);
  return uuid;
}

const fromPeers = async (page: Page) => Number(await page.getByTestId('p2p-stats').getAttribute('data-from-peers'));

async function play(page: Page, at = 0): Promise<void> {
  await page.getByTestId('player').evaluate(async (v: HTMLVideoElement, time) => {
    v.muted = true;
    v.currentTime = time;
    await v.play();
  }, at);
}

/** Seconds buffered ahead of `from`, in the range that holds it. */
const bufferedUntil = (page: Page, from: number) =>
  page.getByTestId('player').evaluate((v: HTMLVideoElement, t) => {
    for (let i = 0; i < v.buffered.length; i++) if (v.buffered.start(i) <= t + 0.5 && t < v.buffered.end(i)) return v.buffered.end(i);
    return 0;
  }, from);

test.describe.configure({ mode: 'serial' });

let uuid: string;

test.beforeAll(async () => {
  uuid = await publishLongClip();
});

/** A viewer who fetched the start and the end of the clip over HTTP (nobody else watched yet). */
async function firstViewer(browser: Browser): Promise<Page> {
  const first = await (await browser.newContext()).newPage();
  await first.goto(`${base()}/w/${uuid}`);
  await play(first);
  await expect.poll(() => bufferedUntil(first, 0), { timeout: 20_000 }).toBeGreaterThan(8);
  await play(first, 26);
  await expect.poll(() => bufferedUntil(first, 26), { timeout: 20_000 }).toBeGreaterThan(35);
  await expect(first.getByTestId('p2p-stats')).toContainText(/P2P: 0 B from 0 peers, [\d.]+ [KM]?B over HTTP/);
  return first;
}

test('a second viewer receives segments from the first over WebRTC', async ({ browser }) => {
  const first = await firstViewer(browser);
  const second = await (await browser.newContext()).newPage();
  try {
    // The second viewer starts at the beginning: the segments past its first 15 s come from the first.
    await second.goto(`${base()}/w/${uuid}`);
    await play(second);
    await expect.poll(() => fromPeers(second), { timeout: 30_000 }).toBeGreaterThan(0);
    const stats = second.getByTestId('p2p-stats');
    await expect(stats).toContainText(/P2P: [\d.]+ [KM]?B from 1 peer, [\d.]+ [KM]?B over HTTP/);
    await expect(first.getByTestId('p2p-stats')).toContainText(/sent to others; 1 peer connected/);
    await second.screenshot({ path: shots('watch-p2p') });
    test.info().annotations.push({ type: 'second viewer', description: (await stats.textContent()) ?? '' });
    test.info().annotations.push({ type: 'first viewer', description: (await first.getByTestId('p2p-stats').textContent()) ?? '' });

    // Turning P2P off is remembered and plays over HTTP only.
    await second.getByLabel('Share with other viewers (P2P)').uncheck();
    await expect(stats).toHaveText('P2P is off: every segment comes over HTTP.');
    await second.reload();
    await expect(second.getByLabel('Share with other viewers (P2P)')).not.toBeChecked();
  } finally {
    await first.context().close();
    await second.context().close();
  }
});

test('segments that do not match the hashes are refused and fetched over HTTP', async ({ browser }) => {
  const first = await firstViewer(browser);
  const second = await (await browser.newContext()).newPage();
  // The second viewer is told other hashes: whatever the first sends it fails the check.
  await second.route('**/*-segments-sha256.json', async (route) => {
    const hashes = (await (await route.fetch()).json()) as Record<string, Record<string, string>>;
    const wrong = Object.fromEntries(
      Object.entries(hashes).map(([file, ranges]) => [file, Object.fromEntries(Object.keys(ranges).map((range) => [range, '0'.repeat(64)]))]),
    );
    await route.fulfill({ json: wrong });
  });
  try {
    await second.goto(`${base()}/w/${uuid}`);
    await play(second);
    await expect(first.getByTestId('p2p-stats')).toContainText(/sent to others/, { timeout: 30_000 });
    await play(second, 20);
    await expect.poll(() => bufferedUntil(second, 20), { timeout: 30_000 }).toBeGreaterThan(35);
    expect(await fromPeers(second)).toBe(0);
    test.info().annotations.push({ type: 'refusing viewer', description: (await second.getByTestId('p2p-stats').textContent()) ?? '' });
    test.info().annotations.push({ type: 'first viewer', description: (await first.getByTestId('p2p-stats').textContent()) ?? '' });
  } finally {
    await first.context().close();
    await second.context().close();
  }
});
