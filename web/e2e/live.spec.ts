// A live as a viewer of the web client sees it: waiting, then on air with hls.js, then
// ended, then replaced by its replay, each change heard over socket.io's /live-videos (no
// reload by the test). The stream is ffmpeg pushing to the RTMP URL and key the API gives.
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { base, shots, tokens } from './helpers';

interface Live {
  rtmpUrl: string;
  streamKey: string;
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const answer = await fetch(`${base()}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${tokens.sharedCreator()}`, 'Content-Type': 'application/json' },
  });
  if (!answer.ok) throw new Error(`${path}: ${answer.status} ${await answer.text()}`);
  return (await answer.json()) as T;
}

test('a viewer watches a live and then its replay, told of each change as it happens', async ({ page }) => {
  test.setTimeout(240_000);
  const me = await api<{ videoChannels: { id: number }[] }>('/api/v1/users/me');
  const { video } = await api<{ video: { id: number; uuid: string } }>('/api/v1/videos/live', {
    method: 'POST',
    body: JSON.stringify({
      channelId: me.videoChannels[0]!.id,
      name: 'A browser live',
      privacy: 1,
      saveReplay: true,
      replaySettings: { privacy: 1 },
      latencyMode: 3,
    }),
  });
  const live = await api<Live>(`/api/v1/videos/live/${video.id}`);

  await page.goto(`${base()}/w/${video.uuid}`);
  await expect(page.getByText('The live has not started yet')).toBeVisible();

  // 25 s of 360p with sound, sent in real time as an encoder would.
  const encoder = spawn('ffmpeg', [
    '-v', 'error', '-re',
    '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=30',
    '-f', 'lavfi', '-i', 'sine=frequency=440',
    '-t', '25', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '30', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-f', 'flv', `${live.rtmpUrl}/${live.streamKey}`,
  ]);
  const sent = new Promise<number | null>((resolve) => encoder.once('exit', resolve));
  try {
    // On air: the page heard state-change 1 and plays the live.
    await expect(page.locator('.live-status .live-badge')).toBeVisible({ timeout: 60_000 });
    const player = page.getByTestId('player');
    await expect.poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 30_000 }).toBeGreaterThan(1);
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
