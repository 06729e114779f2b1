// What several browser tests share: the stack's address, sign-up, throttling, screenshots.
import { expect, type CDPSession, type Page } from '@playwright/test';
import { join } from 'node:path';
import { outputDir } from './global-setup';

export { ROOT_PASSWORD, SHARED_CREATOR, SHARED_PASSWORD } from './global-setup';

export const base = () => process.env.CIRRUS_WEB_URL!;
export const shots = (name: string) => join(outputDir, `${name}.png`);
export const PASSWORD = 'a-good-password';

export async function signUp(page: Page, username: string): Promise<void> {
  await page.goto(`${base()}/signup`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Email').fill(`${username}@example.org`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel(/accept the terms/).check();
  await page.getByRole('button', { name: 'Create my account' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
}

export async function logIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  await page.goto(`${base()}/login`);
  await page.getByLabel('Username or email').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
}

/** Limit the page's upload speed (bytes per second; -1 for none), or cut it off. */
export async function network(cdp: CDPSession, upload: number, offline = false): Promise<void> {
  await cdp.send('Network.emulateNetworkConditions', { offline, latency: 0, downloadThroughput: -1, uploadThroughput: upload });
}

/** Access tokens global-setup kept, for API calls from the test process. */
export const tokens = {
  root: () => process.env.CIRRUS_ROOT_TOKEN!,
  sharedCreator: () => process.env.CIRRUS_SHARED_TOKEN!,
};

/** The video global-setup uploaded, once transcoding has published it: its UUID. */
/** Whether the video at `videoUrl` (its API address) is published with every rendition in: a
 * video is published from its lowest rendition on, and its master playlist keeps a short
 * Cache-Control while the others are added (docs/transcoding.md, progressive publication). */
export async function complete(videoUrl: string, token?: string): Promise<boolean> {
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const video = (await (await fetch(videoUrl, { headers })).json()) as {
    state?: { id: number };
    streamingPlaylists?: { playlistUrl: string }[];
  };
  if (video.state?.id !== 1) return false;
  const playlist = video.streamingPlaylists?.[0]?.playlistUrl;
  if (!playlist) return true;
  const answer = await fetch(playlist, { headers });
  return !answer.ok || answer.headers.get('cache-control') !== 'public, max-age=2';
}

/** Waits until the video at `videoUrl` is published with every rendition in. */
export async function publishedWhole(videoUrl: string, token?: string): Promise<void> {
  await expect.poll(() => complete(videoUrl, token), { timeout: 150_000, intervals: [1000] }).toBe(true);
}

export async function sharedVideo(): Promise<string> {
  const uuid = process.env.CIRRUS_SHARED_VIDEO!;
  await publishedWhole(`${base()}/api/v1/videos/${uuid}`);
  return uuid;
}
