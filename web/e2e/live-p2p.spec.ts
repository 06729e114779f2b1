// Two viewers of one live, in two browser contexts: they get some of the live's new
// segments from each other over WebRTC, as for a video on demand (the ingest claimed the
// live's swarms at the tracker when it went on air; segments are checked against the live's
// segments-sha256.json). Default latency mode: small-latency lives play without P2P.
import { expect, test, type Page } from '@playwright/test';
import { spawn } from 'node:child_process';
import { base, shots, tokens } from './helpers';

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const answer = await fetch(`${base()}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${tokens.sharedCreator()}`, 'Content-Type': 'application/json' },
  });
  if (!answer.ok) throw new Error(`${path}: ${answer.status} ${await answer.text()}`);
  return (await answer.json()) as T;
}

const fromPeers = async (page: Page) => Number(await page.getByTestId('p2p-stats').getAttribute('data-from-peers'));

async function watch(page: Page, uuid: string): Promise<void> {
  await page.goto(`${base()}/w/${uuid}`);
  await expect(page.locator('.live-status .live-badge')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('player').evaluate(async (v: HTMLVideoElement) => {
    v.muted = true;
    await v.play().catch(() => undefined);
  });
  await expect.poll(() => page.getByTestId('player').evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 40_000 }).toBeGreaterThan(1);
}

test('two viewers of a live share its new segments over WebRTC', async ({ browser }) => {
  test.setTimeout(240_000);
  const me = await api<{ videoChannels: { id: number }[] }>('/api/v1/users/me');
  const { video } = await api<{ video: { id: number; uuid: string } }>('/api/v1/videos/live', {
    method: 'POST',
    body: JSON.stringify({ channelId: me.videoChannels[0]!.id, name: 'A shared live', privacy: 1, latencyMode: 1 }),
  });
  const live = await api<{ rtmpUrl: string; streamKey: string }>(`/api/v1/videos/live/${video.id}`);
  // 120 s of 144p in real time: one rendition, so both viewers are in one swarm.
  const encoder = spawn('ffmpeg', [
    '-v', 'error', '-re',
    '-f', 'lavfi', '-i', 'testsrc=size=256x144:rate=30',
    '-f', 'lavfi', '-i', 'sine=frequency=550',
    '-t', '120', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '30', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-f', 'flv', `${live.rtmpUrl}/${live.streamKey}`,
  ]);
  const first = await (await browser.newContext()).newPage();
  const second = await (await browser.newContext()).newPage();
  try {
    // Viewers join a live under way, as most do: hls.js then plays 5 segments (20 s) behind
    // the newest, and each new segment is listed well before it is due.
    await expect
      .poll(async () => ((await api<{ state: { id: number } }>(`/api/v1/videos/${video.id}`)).state.id), { timeout: 60_000 })
      .toBe(1);
    await first.waitForTimeout(28_000);
    await watch(first, video.uuid);
    await watch(second, video.uuid);
    // Segments listed from now on are new to both: one viewer fetches each over HTTP, and
    // the other should take it from that peer (not only the backlog both joined with).
    const shared = async () => (await fromPeers(first)) + (await fromPeers(second));
    await first.waitForTimeout(12_000); // the backlog both joined with is fetched by then
    const before = await shared();
    const deadline = Date.now() + 40_000;
    while ((await shared()) === before && Date.now() < deadline) await first.waitForTimeout(1000);
    expect(await shared()).toBeGreaterThan(before);
    const stats = [await first.getByTestId('p2p-stats').textContent(), await second.getByTestId('p2p-stats').textContent()];
    expect(stats.join(' ')).toMatch(/from 1 peer/);
    await second.screenshot({ path: shots('live-p2p') });
    test.info().annotations.push({ type: 'first viewer', description: stats[0] ?? '' });
    test.info().annotations.push({ type: 'second viewer', description: stats[1] ?? '' });
  } finally {
    encoder.kill('SIGKILL');
    await first.context().close();
    await second.context().close();
  }
});
