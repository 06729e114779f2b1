// The embed driven from another site (issue 20): a page on another origin (its own port on
// loopback) frames /videos/embed/{uuid}?api=1 and drives it with PeerTube's own client library,
// @peertube/embed-api (its browser build, installed in tests/tools), through its jschannel
// messages: play, seek, volume, resolutions, playback rate, and the events it forwards.
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { base, sharedVideo, tokens } from './helpers';

const here = dirname(fileURLToPath(import.meta.url));
const LIBRARY = resolve(here, '..', '..', 'tests', 'tools', 'node_modules', '@peertube', 'embed-api', 'build', 'player.min.js');

// The host page: the iframe, the library, and every event it hands over kept in `window.heard`.
const HOST_PAGE = (embed: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A site that embeds a video</title></head>
<body>
<iframe id="embed" title="The embedded video" src="${embed}" width="640" height="360" allow="autoplay; fullscreen"></iframe>
<script src="/player.min.js"></script>
<script>
  window.heard = [];
  const Player = window.PeerTubePlayer.PeerTubePlayer || window.PeerTubePlayer;
  window.player = new Player(document.getElementById('embed'));
  for (const name of ['playbackStatusUpdate', 'playbackStatusChange', 'resolutionUpdate', 'volumeChange']) {
    window.player.addEventListener(name, (event) => window.heard.push({ name, event }));
  }
</script>
</body></html>`;

let server: Server;
let hostOrigin = '';

test.beforeAll(async () => {
  const library = readFileSync(LIBRARY);
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://host.invalid');
    if (url.pathname === '/player.min.js') {
      response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(library);
    } else if (url.pathname === '/host') {
      const embed = url.searchParams.get('embed') ?? '';
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(HOST_PAGE(embed.replace(/"/g, '&quot;')));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  hostOrigin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((done) => server.close(done));
});

interface Heard {
  name: string;
  event: unknown;
}
interface Status {
  position: number;
  volume: number;
  duration: number;
  playbackState: string;
}
interface Resolution {
  id: number;
  label: string;
  active: boolean;
  height: number;
}

const heard = (page: Page, name: string) =>
  page.evaluate((wanted) => (window as unknown as { heard: Heard[] }).heard.filter((h) => h.name === wanted).map((h) => h.event), name);

/** Call a PeerTubePlayer method in the host page; its answer. */
function call<T>(page: Page, method: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(
    ([name, params]) => {
      const player = (window as unknown as { player: Record<string, (...a: unknown[]) => Promise<unknown>> }).player;
      return player[name as string]!(...(params as unknown[]));
    },
    [method, args] as const,
  ) as Promise<T>;
}

test('another site drives the embed with @peertube/embed-api and hears its events', async ({ page }) => {
  const uuid = await sharedVideo();
  const embed = `${base()}/videos/embed/${uuid}?api=1`;
  expect(new URL(embed).origin).not.toBe(hostOrigin);
  await page.goto(`${hostOrigin}/host?embed=${encodeURIComponent(embed)}`);
  await page.evaluate(() => (window as unknown as { player: { ready: Promise<void> } }).player.ready);

  // The resolutions as PeerTube's HLS player lists them: each rendition, then Auto (active).
  await expect.poll(async () => (await call<Resolution[]>(page, 'getResolutions')).map((r) => r.label), { timeout: 20_000 }).toContain('720p');
  const resolutions = await call<Resolution[]>(page, 'getResolutions');
  expect(resolutions.at(-1)).toEqual({ id: -1, label: 'Auto', active: true, height: 0 });
  expect(resolutions.length).toBeGreaterThanOrEqual(3);
  expect(await heard(page, 'resolutionUpdate')).not.toHaveLength(0);

  await call(page, 'setVolume', 0.3);
  expect(await call<number>(page, 'getVolume')).toBeCloseTo(0.3, 5);
  await expect.poll(async () => (await heard(page, 'volumeChange')).at(-1)).toBeCloseTo(0.3, 5);

  expect(await call<number[]>(page, 'getPlaybackRates')).toEqual([0.5, 0.75, 1, 1.25, 1.5, 2]);
  await call(page, 'setPlaybackRate', 1.5);
  expect(await call<number>(page, 'getPlaybackRate')).toBe(1.5);
  await call(page, 'setPlaybackRate', 1);

  await call(page, 'play');
  await expect.poll(() => heard(page, 'playbackStatusChange'), { timeout: 20_000 }).toContain('playing');
  await expect
    .poll(async () => ((await heard(page, 'playbackStatusUpdate')) as Status[]).some((s) => s.playbackState === 'playing' && s.position > 0.5), {
      timeout: 20_000,
    })
    .toBe(true);
  const status = ((await heard(page, 'playbackStatusUpdate')) as Status[]).at(-1)!;
  expect(status.duration).toBeGreaterThan(11);
  expect(status.volume).toBeCloseTo(0.3, 5);

  await call(page, 'seek', 8);
  await expect
    .poll(async () => ((await heard(page, 'playbackStatusUpdate')) as Status[]).at(-1)!.position, { timeout: 10_000 })
    .toBeGreaterThanOrEqual(8);

  // A fixed resolution: the lowest, then heard as the active one.
  const lowest = resolutions.filter((r) => r.id >= 0).at(-1)!;
  await call(page, 'setResolution', lowest.id);
  await expect
    .poll(async () => ((await heard(page, 'resolutionUpdate')) as Resolution[][]).at(-1)!.find((r) => r.active)?.label, { timeout: 20_000 })
    .toBe(lowest.label);

  await call(page, 'pause');
  await expect.poll(async () => (await heard(page, 'playbackStatusChange')).at(-1)).toBe('paused');
  await expect.poll(async () => ((await heard(page, 'playbackStatusUpdate')) as Status[]).at(-1)!.playbackState).toBe('paused');

  // No caption on the shared clip (the captions test may add one: either way a list).
  expect(Array.isArray(await call(page, 'getCaptions'))).toBe(true);
  // A bad argument fails the call, as jschannel reports a thrown error.
  await expect(call(page, 'setResolution', 'not a number')).rejects.toThrow();
});

test('without api=1 the embed keeps to itself, as PeerTube', async ({ page }) => {
  const uuid = await sharedVideo();
  await page.goto(`${hostOrigin}/host?embed=${encodeURIComponent(`${base()}/videos/embed/${uuid}`)}`);
  const answered = await page.evaluate(
    () =>
      Promise.race([
        (window as unknown as { player: { ready: Promise<void> } }).player.ready.then(() => 'ready'),
        new Promise((r) => setTimeout(() => r('silent'), 4000)),
      ]),
  );
  expect(answered).toBe('silent');
});

test('the host page opens a password-protected video with setVideoPassword', async ({ page }) => {
  test.setTimeout(300_000); // its own upload is transcoded first
  const bearer = { Authorization: `Bearer ${tokens.sharedCreator()}` };
  const me = (await (await fetch(`${base()}/api/v1/users/me`, { headers: bearer })).json()) as { videoChannels: { id: number }[] };
  const form = new FormData();
  form.set('name', 'Behind a password');
  form.set('channelId', String(me.videoChannels[0]!.id));
  form.set('privacy', '1');
  form.set('videofile', new Blob([readFileSync(process.env.CIRRUS_CLIP!)], { type: 'video/mp4' }), 'secret.mp4');
  const uploaded = await fetch(`${base()}/api/v1/videos/upload`, { method: 'POST', headers: bearer, body: form });
  expect(uploaded.status).toBe(200);
  const { uuid } = ((await uploaded.json()) as { video: { uuid: string } }).video;
  const protect = await fetch(`${base()}/api/v1/videos/${uuid}`, {
    method: 'PUT',
    headers: { ...bearer, 'Content-Type': 'application/json' },
    body: JSON.stringify({ privacy: 5, videoPasswords: ['embed-secret'] }),
  });
  expect(protect.status).toBe(204);
  const withPassword = { 'x-peertube-video-password': 'embed-secret' };
  await expect
    .poll(async () => ((await (await fetch(`${base()}/api/v1/videos/${uuid}`, { headers: withPassword })).json()) as { state?: { id: number } }).state?.id, {
      timeout: 240_000,
      intervals: [1000],
    })
    .toBe(1);

  await page.goto(`${hostOrigin}/host?embed=${encodeURIComponent(`${base()}/videos/embed/${uuid}?api=1`)}`);
  const embedded = page.frameLocator('#embed');
  await expect(embedded.getByRole('textbox', { name: 'Password' })).toBeVisible();
  await call(page, 'setVideoPassword', 'embed-secret');
  await page.evaluate(() => (window as unknown as { player: { ready: Promise<void> } }).player.ready);
  await expect(embedded.getByTestId('player')).toBeVisible();
  // The host's calls reach the player the password opened.
  await call(page, 'setVolume', 0.25);
  expect(await call<number>(page, 'getVolume')).toBeCloseTo(0.25, 5);
  await expect.poll(async () => (await heard(page, 'volumeChange')).at(-1)).toBeCloseTo(0.25, 5);
  // Not checked here: its playback. The local stack names its files at http://localhost:<port>
  // while the pages are opened at 127.0.0.1, and the API's answers for the private directory
  // carry no CORS headers, so hls.js cannot read the playlist (the watch page alike).
});
