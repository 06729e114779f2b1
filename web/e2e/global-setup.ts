// Starts the whole local instance (`python -m local`) on free ports with a temporary data
// directory and open sign-up, makes a real 720p clip with ffmpeg, and stops the instance
// when the tests end.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
export const outputDir = resolve(here, '..', 'test-output');

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port'))));
    });
  });
}

export const SHARED_CREATOR = 'sharedcreator';
export const SHARED_PASSWORD = 'a-good-password';
export const ROOT_PASSWORD = 'web-test-root-password';

async function token(url: string, username: string, password: string): Promise<string> {
  const client = (await (await fetch(`${url}/api/v1/oauth-clients/local`)).json()) as Record<string, string>;
  const form = new URLSearchParams({ client_id: client.client_id!, client_secret: client.client_secret!, grant_type: 'password', username, password });
  const answer = await fetch(`${url}/api/v1/users/token`, { method: 'POST', body: form });
  if (!answer.ok) throw new Error(`log-in of ${username}: ${answer.status} ${await answer.text()}`);
  return ((await answer.json()) as { access_token: string }).access_token;
}

/** Users made by the administrator: sign-up allows two an address every five minutes. */
export const PREMADE_USERS = ['sharedcreator', 'offliner', 'reloader'];

/**
 * Make the test users, then upload the clip with PeerTube's legacy upload as the shared
 * creator: the video's UUID. Tokens are kept for the tests' API calls (log-ins are limited
 * too: fifteen an address every five minutes).
 */
async function prepare(url: string, clip: string): Promise<string> {
  const rootToken = await token(url, 'root', ROOT_PASSWORD);
  for (const username of PREMADE_USERS) {
    const made = await fetch(`${url}/api/v1/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${rootToken}` },
      body: JSON.stringify({ username, password: SHARED_PASSWORD, email: `${username}@example.org`, role: 2, videoQuota: -1 }),
    });
    if (!made.ok) throw new Error(`user ${username}: ${made.status} ${await made.text()}`);
  }
  const creatorToken = await token(url, SHARED_CREATOR, SHARED_PASSWORD);
  process.env.CIRRUS_ROOT_TOKEN = rootToken;
  process.env.CIRRUS_SHARED_TOKEN = creatorToken;
  const bearer = { Authorization: `Bearer ${creatorToken}` };
  const me = (await (await fetch(`${url}/api/v1/users/me`, { headers: bearer })).json()) as { videoChannels: { id: number }[] };
  const form = new FormData();
  form.set('name', 'Shared clip');
  form.set('channelId', String(me.videoChannels[0]!.id));
  form.set('privacy', '1');
  form.set('description', 'The clip **every** browser test shares.');
  form.set('videofile', new Blob([readFileSync(clip)], { type: 'video/mp4' }), 'shared.mp4');
  const uploaded = await fetch(`${url}/api/v1/videos/upload`, { method: 'POST', headers: bearer, body: form });
  if (!uploaded.ok) throw new Error(`upload: ${uploaded.status} ${await uploaded.text()}`);
  return ((await uploaded.json()) as { video: { uuid: string } }).video.uuid;
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  mkdirSync(outputDir, { recursive: true });
  const clip = join(outputDir, 'clip.mp4');
  // 12 s of 720p with sound, so the transcoder makes two resolutions (720p and a lower one).
  execFileSync('ffmpeg', [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc=size=1280x720:rate=30',
    '-f', 'lavfi', '-i', 'sine=frequency=440',
    '-t', '12', '-c:v', 'libx264', '-b:v', '3M', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', clip,
  ]);
  const avatar = join(outputDir, 'avatar.png');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=teal:s=96x96', '-frames:v', '1', avatar]);
  // Not a video: bytes for the upload tests, in three parts of 8 MiB (the transcoder refuses it).
  const big = join(outputDir, 'big.mp4');
  writeFileSync(big, randomBytes(24 * 1024 * 1024));
  const port = await freePort();
  const awsPort = await freePort();
  const rtmpPort = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'cirrus-web-e2e-'));
  const python = process.env.CIRRUS_PYTHON ?? join(repo, '.venv', 'bin', 'python');
  // plugins/watch-button, built and installed as `make package` does (its client script and
  // stylesheet are package data), for e2e/client-plugins.spec.ts.
  const builtPlugins = join(outputDir, 'plugins');
  rmSync(builtPlugins, { recursive: true, force: true });
  const pluginsFile = join(outputDir, 'plugins.txt');
  writeFileSync(pluginsFile, `${join(repo, 'plugins', 'watch-button')}\n`);
  execFileSync(python, ['-c', 'import sys; from pathlib import Path; from layers.dependencies.build import install_plugins; install_plugins(Path(sys.argv[1]), Path(sys.argv[2]))', builtPlugins, pluginsFile], { cwd: repo, stdio: 'inherit' });
  const log = openSync(join(outputDir, 'stack.log'), 'w');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CIRRUS_PORT: String(port),
    CIRRUS_AWS_PORT: String(awsPort),
    // The live ingest (e2e/live.spec.ts), on a port of its own rather than RTMP's 1935.
    CIRRUS_RTMP_PORT: String(rtmpPort),
    CIRRUS_DATA_DIR: dataDir,
    CIRRUS_SIGNUP_ENABLED: 'true',
    CIRRUS_SIGNUP_REQUIRES_APPROVAL: 'false',
    // Every spec signs up or creates users on this one instance: PeerTube's default limit
    // of 10 users would refuse the later specs' sign-ups.
    CIRRUS_SIGNUP_LIMIT: '-1',
    // The specs log in through the login page some thirty times from one address, beyond
    // PeerTube's 15 logins per 5 minutes.
    CIRRUS_RATE_LIMIT_LOGIN_MAX: '1000',
    // And sign up several users from it (PeerTube's 2 per 5 minutes made the specs' order matter).
    CIRRUS_RATE_LIMIT_SIGNUP_MAX: '100',
    // Imports from a server the spec runs on 127.0.0.1 (e2e/import.spec.ts): loopback only,
    // as the Python tests allow it; every other private address stays refused.
    CIRRUS_FEDERATION_ALLOW_LOOPBACK: '1',
    PT_INITIAL_ROOT_PASSWORD: 'web-test-root-password',
    // A plugin with settings and no hook (tests/plugins/settings), for e2e/plugins.spec.ts;
    // the watch-button plugin, and a client script whose hooks all throw (tests/plugins/client),
    // which every page must shrug off, for e2e/client-plugins.spec.ts.
    CIRRUS_PLUGIN_PATH: [join(repo, 'tests', 'plugins', 'settings'), builtPlugins, join(repo, 'tests', 'plugins', 'client')].join(delimiter),
  };
  delete env.CIRRUS_HOST;
  delete env.CIRRUS_AWS_ENDPOINT_URL;
  const stack = spawn(python, ['-m', 'local'], { cwd: repo, env, stdio: ['ignore', log, log] });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (stack.exitCode !== null) throw new Error(`the local stack exited early; see ${join(outputDir, 'stack.log')}`);
    try {
      if ((await fetch(`${url}/api/v1/config`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('the local stack did not start in 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  process.env.CIRRUS_WEB_URL = url;
  // The stack's AWS endpoint (moto), for specs that set up what no API can (a dead letter).
  process.env.CIRRUS_AWS_URL = `http://127.0.0.1:${awsPort}`;
  process.env.CIRRUS_CLIP = clip;
  process.env.CIRRUS_BIG_FILE = big;
  process.env.CIRRUS_AVATAR = avatar;
  // The local stack's mail sink (chalicelib/store/mail.py): one .eml file per email sent.
  process.env.CIRRUS_MAIL_DIR = join(dataDir, 'mail');
  // One published video for the tests that only need one (watch, embed, comments, Watch
  // later, accessibility): uploaded now, it is transcoded while the first tests run.
  process.env.CIRRUS_SHARED_VIDEO = await prepare(url, clip);
  return async () => {
    stack.kill('SIGTERM');
    await new Promise((r) => (stack.exitCode !== null ? r(null) : stack.once('exit', r)));
    rmSync(dataDir, { recursive: true, force: true });
  };
}
