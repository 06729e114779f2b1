// Viewers of one video in the web client, each in a Chromium context of its own (a profile:
// its own storage and peer id), joining `staggerMs` apart and each playing from the start to
// the end. Prints, per viewer, as JSON on stdout:
//   httpBytes   segment bytes received over HTTP, counted from the network (Chrome DevTools
//               Protocol `Network.dataReceived` on requests for the video's files), aborted
//               requests included: what the CDN bills, not what the app reports;
//   fromPeers / overHttp   what the app reports (p2p-media-loader's delivered segments);
//   played      seconds of the video played; startupMs; stalls and stallMs (rebuffering
//               after playback started, seeks excluded).
// Counts are taken when the viewer reaches the end; `httpBytesAtClose` is the same count when
// every viewer has ended (a viewer who ended still seeds, and may still fetch).
//
//   node viewers.mjs '<json>'  with {url, viewers, staggerMs, timeoutMs, spaDist?}
// With BENCH_DEBUG=1, each viewer's media requests (ms after it opened, file, Range, bytes
// received, initiator) go to stderr: which segments came over HTTP, and when.
// `spaDist`: serve the web client from this built directory instead of the instance's (the
// reference build of bench/p2p.py --reference), by routing its page and assets.
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';

const require = createRequire(process.env.CIRRUS_WEB_DIR + '/package.json');
const { chromium } = require('@playwright/test');

const { url, viewers, staggerMs, timeoutMs, spaDist } = JSON.parse(process.argv[2]);
const MEDIA = /\/static\/(streaming-playlists|redundancy)\/.*\.(mp4|m4s|ts)(\?|$)/;
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.svg': 'image/svg+xml', '.json': 'application/json' };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The same flags as web/playwright.config.ts (WebRTC between pages of one machine), and no
// local network access checks: a page the reference build serves through `spaDist` has no
// address of its own, and Chromium would refuse its requests to the loopback stack.
const browser = await chromium.launch({
  executablePath: process.env.CIRRUS_CHROMIUM || '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--autoplay-policy=no-user-gesture-required',
    '--disable-features=WebRtcHideLocalIpsWithMdns,LocalNetworkAccessChecks', '--allow-loopback-in-peer-connection',
  ],
});

// Media events, recorded in the page from its first script on (capture: they do not bubble).
function recordPlayback() {
  const s = { startedAt: null, playAt: null, stalls: 0, stallMs: 0, waitingSince: null, ended: false };
  window.__bench = s;
  document.addEventListener('play', () => { if (s.playAt === null) s.playAt = performance.now(); }, true);
  document.addEventListener('playing', () => {
    const now = performance.now();
    if (s.startedAt === null) s.startedAt = now;
    if (s.waitingSince !== null) { s.stallMs += now - s.waitingSince; s.waitingSince = null; }
  }, true);
  document.addEventListener('waiting', (e) => {
    if (s.startedAt === null || e.target.seeking || s.waitingSince !== null) return;
    s.stalls += 1;
    s.waitingSince = performance.now();
  }, true);
  document.addEventListener('ended', () => { s.ended = true; }, true);
}

async function serveSpa(context) {
  const page = new URL(url).pathname;
  await context.route((u) => u.pathname.startsWith('/assets/') || u.pathname === page, async (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = path === page ? join(spaDist, 'index.html') : join(spaDist, path);
    try {
      await route.fulfill({ body: await readFile(file), contentType: TYPES[extname(file)] ?? 'application/octet-stream' });
    } catch {
      await route.fulfill({ status: 404, body: '' });
    }
  });
}

async function openViewer() {
  const context = await browser.newContext();
  if (spaDist) await serveSpa(context);
  await context.addInitScript(recordPlayback);
  const page = await context.newPage();
  const viewer = { page, httpBytes: 0, media: new Set(), result: null, log: [], debug: {}, opened: Date.now() };
  const cdp = await context.newCDPSession(page);
  cdp.on('Network.requestWillBeSent', (e) => {
    if (!MEDIA.test(e.request.url)) return;
    viewer.media.add(e.requestId);
    if (process.env.BENCH_DEBUG) viewer.log.push(viewer.debug[e.requestId] = [Math.round(Date.now() - viewer.opened), e.request.url.split('/').pop().split('-').slice(-2).join('-'), e.request.headers.Range ?? e.request.headers.range, 0, e.initiator?.type, e.initiator?.stack?.callFrames?.slice(0, 4).map((f) => f.functionName).join('<')]);
  });
  cdp.on('Network.dataReceived', (e) => {
    if (!viewer.media.has(e.requestId)) return;
    viewer.httpBytes += e.dataLength;
    if (viewer.debug[e.requestId]) viewer.debug[e.requestId][3] += e.dataLength;
  });
  await cdp.send('Network.enable');
  await page.goto(url);
  const player = page.getByTestId('player');
  await player.waitFor();
  await player.evaluate(async (v) => {
    v.muted = true;
    v.currentTime = 0;
    await v.play();
  });
  return viewer;
}

async function snapshot(viewer) {
  const { page } = viewer;
  const stats = page.getByTestId('p2p-stats');
  const [fromPeers, overHttp, playback] = await Promise.all([
    stats.getAttribute('data-from-peers'),
    stats.getAttribute('data-over-http'),
    page.getByTestId('player').evaluate((v) => ({ ...window.__bench, played: v.currentTime, duration: v.duration })),
  ]);
  return {
    httpBytes: viewer.httpBytes,
    fromPeers: Number(fromPeers),
    overHttp: overHttp === null ? null : Number(overHttp), // an older build does not say
    played: playback.played,
    duration: playback.duration,
    ended: playback.ended,
    startupMs: playback.startedAt !== null && playback.playAt !== null ? playback.startedAt - playback.playAt : null,
    stalls: playback.stalls,
    stallMs: playback.stallMs + (playback.waitingSince !== null ? performance.now() - playback.waitingSince : 0),
  };
}

/** Resolves with the viewer's counts once it has played to the end (or at the deadline). */
async function watchToEnd(viewer, deadline) {
  while (Date.now() < deadline) {
    const ended = await viewer.page.evaluate(() => window.__bench.ended).catch(() => false);
    if (ended) break;
    await sleep(250);
  }
  viewer.result = await snapshot(viewer);
}

try {
  const open = [];
  const watching = [];
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < viewers; i++) {
    if (i > 0) await sleep(staggerMs);
    const viewer = await openViewer();
    open.push(viewer);
    watching.push(watchToEnd(viewer, deadline));
  }
  await Promise.all(watching);
  const results = [];
  for (const viewer of open) results.push({ ...viewer.result, httpBytesAtClose: viewer.httpBytes });
  process.stdout.write(JSON.stringify(results));
  if (process.env.BENCH_DEBUG) for (const viewer of open) process.stderr.write(JSON.stringify(viewer.log) + '\n');
} finally {
  await browser.close();
}
