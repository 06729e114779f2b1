// Redundancy in the browser (issue 22): two more stacks side by side, A (127.0.0.1) and B
// (127.0.0.2), named by their addresses and federating; A follows B, mirrors B's video, and
// the player on B's watch page takes some segments from A's mirror (PeerTube's player picks
// the origin or a mirror per segment), each checked against B's hashes.
import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { outputDir, ROOT_PASSWORD } from './global-setup';
import { publishedWhole } from './helpers';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function freePort(address: string): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.listen(0, address, () => {
      const found = server.address();
      server.close(() => (typeof found === 'object' && found ? ok(found.port) : fail(new Error('no port'))));
    });
  });
}

interface Stack {
  url: string;
  host: string;
  process: ChildProcess;
  dataDir: string;
}

async function startStack(bind: string): Promise<Stack> {
  const [port, awsPort, rtmpPort] = [await freePort(bind), await freePort(bind), await freePort(bind)];
  const dataDir = mkdtempSync(join(tmpdir(), 'cirrus-web-redundancy-'));
  const host = `${bind}:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CIRRUS_PORT: String(port),
    CIRRUS_AWS_PORT: String(awsPort),
    CIRRUS_RTMP_PORT: String(rtmpPort),
    CIRRUS_DATA_DIR: dataDir,
    CIRRUS_BIND_ADDRESS: bind,
    CIRRUS_HOST: host,
    CIRRUS_FEDERATION_ALLOW_LOOPBACK: '1',
    CIRRUS_DELIVERY_RETRY_SECONDS: '2',
    PT_INITIAL_ROOT_PASSWORD: ROOT_PASSWORD,
  };
  delete env.CIRRUS_AWS_ENDPOINT_URL;
  const python = process.env.CIRRUS_PYTHON ?? join(repo, '.venv', 'bin', 'python');
  const log = openSync(join(outputDir, `stack-redundancy-${bind}.log`), 'w');
  const child = spawn(python, ['-m', 'local'], { cwd: repo, env, stdio: ['ignore', log, log] });
  const url = `http://${host}`;
  await expect
    .poll(async () => (await fetch(`${url}/api/v1/config`).catch(() => null))?.ok ?? false, { timeout: 60_000, intervals: [250] })
    .toBe(true);
  return { url, host, process: child, dataDir };
}

async function stopStack(stack: Stack): Promise<void> {
  stack.process.kill('SIGTERM');
  await new Promise((r) => (stack.process.exitCode !== null ? r(null) : stack.process.once('exit', r)));
  rmSync(stack.dataDir, { recursive: true, force: true });
}

async function rootToken(url: string): Promise<string> {
  const client = (await (await fetch(`${url}/api/v1/oauth-clients/local`)).json()) as Record<string, string>;
  const form = new URLSearchParams({ client_id: client.client_id!, client_secret: client.client_secret!, grant_type: 'password', username: 'root', password: ROOT_PASSWORD });
  return ((await (await fetch(`${url}/api/v1/users/token`, { method: 'POST', body: form })).json()) as { access_token: string }).access_token;
}

async function call(url: string, token: string, method: string, body?: unknown): Promise<Response> {
  return fetch(url, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

const json = async (url: string): Promise<any> => (await fetch(url)).json(); // eslint-disable-line @typescript-eslint/no-explicit-any

let a: Stack;
let b: Stack;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  [a, b] = [await startStack('127.0.0.1'), await startStack('127.0.0.2')];
});

test.afterAll(async () => {
  for (const stack of [a, b]) if (stack) await stopStack(stack);
});

test("the player on B takes some segments from A's mirror", async ({ page }) => {
  test.setTimeout(300_000);
  const [rootA, rootB] = [await rootToken(a.url), await rootToken(b.url)];
  expect((await call(`${a.url}/api/v1/server/following`, rootA, 'POST', { hosts: [b.host] })).status).toBe(204);
  await expect
    .poll(async () => (await json(`${a.url}/api/v1/server/following`)).data.map((f: { state: string }) => f.state), { timeout: 60_000 })
    .toEqual(['accepted']);
  expect((await call(`${a.url}/api/v1/server/redundancy/${b.host}`, rootA, 'PUT', { redundancyAllowed: true })).status).toBe(204);

  // B publishes the shared 12 s clip.
  const me = await (await call(`${b.url}/api/v1/users/me`, rootB, 'GET')).json();
  const form = new FormData();
  form.set('name', 'Mirrored clip');
  form.set('channelId', String(me.videoChannels[0].id));
  form.set('privacy', '1');
  form.set('videofile', new Blob([readFileSync(process.env.CIRRUS_CLIP!)], { type: 'video/mp4' }), 'clip.mp4');
  const uploaded = await fetch(`${b.url}/api/v1/videos/upload`, { method: 'POST', headers: { Authorization: `Bearer ${rootB}` }, body: form });
  expect(uploaded.ok).toBe(true);
  const { uuid } = (await uploaded.json()).video as { uuid: string };
  await publishedWhole(`${b.url}/api/v1/videos/${uuid}`);

  // A mirrors it; B lists A's mirror.
  await expect.poll(async () => (await fetch(`${a.url}/api/v1/videos/${uuid}`)).status, { timeout: 60_000 }).toBe(200);
  const onA = await json(`${a.url}/api/v1/videos/${uuid}`);
  expect((await call(`${a.url}/api/v1/server/redundancy/videos`, rootA, 'POST', { videoId: onA.id })).status).toBe(204);
  const mirror = `${a.url}/static/redundancy/hls/${uuid}`;
  await expect
    .poll(async () => (await json(`${b.url}/api/v1/videos/${uuid}`)).streamingPlaylists[0].redundancies, { timeout: 90_000 })
    .toEqual([{ baseUrl: mirror }]);

  // B's watch page: some segments come from A's mirror, and the video plays.
  const fromMirror: string[] = [];
  page.on('requestfinished', async (request) => {
    if (request.url().startsWith(`${mirror}/`) && request.url().endsWith('.mp4')) {
      const response = await request.response();
      if (response && response.status() < 300) fromMirror.push(request.url());
    }
  });
  await page.goto(`${b.url}/w/${uuid}`);
  await page.getByTestId('player').evaluate(async (v: HTMLVideoElement) => {
    v.muted = true;
    await v.play();
  });
  await expect.poll(() => fromMirror.length, { timeout: 60_000 }).toBeGreaterThan(0);
  await expect.poll(() => page.getByTestId('player').evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 30_000 }).toBeGreaterThan(2);
  test.info().annotations.push({ type: 'segments from the mirror', description: String(fromMirror.length) });

  // A's administration page lists B as allowed and the mirror; B's lists A's mirror of its video.
  for (const [stack, table, text] of [
    [a, 'Videos mirrored here', 'Mirrored clip'],
    [b, 'Our videos mirrored elsewhere', a.host],
  ] as const) {
    await page.goto(`${stack.url}/login`);
    await page.getByLabel('Username or email').fill('root');
    await page.getByLabel('Password').fill(ROOT_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
    await page.goto(`${stack.url}/admin/redundancy`);
    await expect(page.getByRole('table', { name: table })).toContainText(text);
  }
  await expect(page.getByRole('table', { name: 'Our videos mirrored elsewhere' })).toContainText('Mirrored clip');
  await page.goto(`${a.url}/admin/redundancy`);
  await expect(page.getByLabel(`Mirror the videos of ${b.host}`)).toBeChecked();
  await page.getByRole('button', { name: 'Remove the mirror of Mirrored clip' }).click();
  await expect
    .poll(async () => (await json(`${b.url}/api/v1/videos/${uuid}`)).streamingPlaylists[0].redundancies, { timeout: 60_000 })
    .toEqual([]);
});
