// The studio and ownership changes (issue 21): a video's owner cuts 2 s and adds a watermark
// from the Studio page (the file posted straight to storage with the presigned form, a refused
// one shown beside its field) and follows the edit until the result is published; then offers
// the video to another user, who accepts it into a channel from their library.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { base, complete, logIn, publishedWhole, SHARED_PASSWORD, shots, tokens } from './helpers';

async function apiJson<T>(path: string, token: string, init: RequestInit = {}): Promise<T> {
  const answer = await fetch(`${base()}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
  if (!answer.ok) throw new Error(`${path}: ${answer.status} ${await answer.text()}`);
  return (answer.status === 204 ? undefined : await answer.json()) as T;
}

async function userToken(username: string): Promise<string> {
  const client = (await (await fetch(`${base()}/api/v1/oauth-clients/local`)).json()) as { client_id: string; client_secret: string };
  const form = new URLSearchParams({ ...client, grant_type: 'password', username, password: SHARED_PASSWORD });
  return ((await (await fetch(`${base()}/api/v1/users/token`, { method: 'POST', body: form })).json()) as { access_token: string })
    .access_token;
}

async function makeUser(username: string): Promise<void> {
  await apiJson('/api/v1/users', tokens.root(), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: SHARED_PASSWORD, email: `${username}@example.org`, role: 2, videoQuota: -1 }),
  });
}

interface VideoState {
  duration: number;
  state: { id: number };
  account: { name: string };
  channel: { id: number };
}

test('a studio edit from the Studio page, then the video given to another user', async ({ page, browser }) => {
  test.setTimeout(360_000);
  const custom = await apiJson<Record<string, { enabled: boolean }>>('/api/v1/config/custom', tokens.root());
  custom.videoStudio.enabled = true;
  await apiJson('/api/v1/config/custom', tokens.root(), {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(custom),
  });
  await makeUser('studioowner');
  await makeUser('studiotaker');
  const owner = await userToken('studioowner');
  const me = await apiJson<{ videoChannels: { id: number }[] }>('/api/v1/users/me', owner);
  const form = new FormData();
  form.set('name', 'Studio clip');
  form.set('channelId', String(me.videoChannels[0].id));
  form.set('privacy', '1');
  form.set('videofile', new Blob([readFileSync(process.env.CIRRUS_CLIP!)], { type: 'video/mp4' }), 'studio.mp4');
  const uploaded = await apiJson<{ video: { uuid: string } }>('/api/v1/videos/upload', owner, { method: 'POST', body: form });
  const uuid = uploaded.video.uuid;
  const video = async () => apiJson<VideoState>(`/api/v1/videos/${uuid}`, owner);
  // Editable once every rendition is in (published from the first one on).
  await publishedWhole(`${base()}/api/v1/videos/${uuid}`, owner);
  expect((await video()).duration).toBe(12);

  await logIn(page, 'studioowner', SHARED_PASSWORD);
  await page.goto(`${base()}/my-library`);
  await page.getByRole('link', { name: 'Studio Studio clip' }).click();
  await expect(page.getByRole('heading', { name: 'Studio: Studio clip' })).toBeVisible();
  await page.getByLabel(/^Start/).fill('2');
  const watermark = page.getByLabel(/^Watermark/);
  // A video is no watermark: it reaches storage, and the edit's check refuses it beside the field.
  await watermark.setInputFiles(process.env.CIRRUS_CLIP!);
  const storagePosts: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST') storagePosts.push(request.url());
  });
  await page.getByRole('button', { name: 'Run the edit' }).click();
  const refusal = page.locator('#studio-watermark-error');
  await expect(refusal).toContainText('Task add-watermark is invalid', { timeout: 30_000 });
  await expect(watermark).toHaveAttribute('aria-invalid', 'true');
  await page.screenshot({ path: shots('studio-field-error') });

  await watermark.setInputFiles(process.env.CIRRUS_AVATAR!);
  await expect(refusal).toHaveCount(0);
  await expect(page.getByText('The edited video lasts 0:10')).toBeVisible();
  await page.screenshot({ path: shots('studio-form') });
  const presigned = page.waitForResponse((r) => r.url().endsWith('/studio/upload-s3') && r.request().method() === 'POST');
  const edited = page.waitForRequest((r) => r.url().endsWith('/studio/edit') && r.method() === 'POST');
  await page.getByRole('button', { name: 'Run the edit' }).click();
  const posted = (await (await presigned).json()) as { uploadId: string; upload: { url: string } };
  const edit = (await edited).postDataJSON() as { tasks: { name: string; options: Record<string, unknown> }[] };
  expect(edit.tasks).toEqual([
    { name: 'cut', options: { start: 2 } },
    { name: 'add-watermark', options: { fileUploadId: posted.uploadId } },
  ]);
  // The file went to storage (the form's URL), not through the API.
  expect(storagePosts.filter((url) => url === posted.upload.url).length).toBe(2);
  const progress = page.getByTestId('studio-progress');
  await expect(progress).toHaveText(/Editing|transcoding/);
  // Published from its first rendition on, it says so while the others are encoding...
  await expect(progress).toHaveText(/^Published in \d+p(, \d+p)*; still encoding \d+p/, { timeout: 240_000 });
  await page.screenshot({ path: shots('studio-still-encoding') });
  // ...and done once every rendition is in (the master playlist no longer short-lived).
  await expect(progress).toHaveText('Done: the edited video is published.', { timeout: 240_000 });
  await expect(page.getByLabel('Edit in progress')).toHaveCount(0);
  expect(await complete(`${base()}/api/v1/videos/${uuid}`, owner)).toBe(true);
  expect((await video()).duration).toBe(10);

  // Offered from the library, accepted by the other user from theirs.
  await page.goto(`${base()}/my-library`);
  await page.getByRole('button', { name: 'Give Studio clip' }).click();
  await page.getByLabel('Username').fill('studiotaker');
  await page.getByRole('button', { name: 'Offer' }).click();
  await expect(page.getByText('Offered to studiotaker.')).toBeVisible();
  // PeerTube 8.2: the offer is listed for the one who made it too, without Accept.
  await page.goto(`${base()}/my-library/ownership`);
  await expect(page.getByTestId('ownership-changes')).toContainText('offered to studiotaker');
  await expect(page.getByTestId('ownership-status')).toHaveText('Pending');
  await expect(page.getByRole('button', { name: 'Accept' })).toHaveCount(0);

  const taker = await (await browser.newContext()).newPage();
  await logIn(taker, 'studiotaker', SHARED_PASSWORD);
  await taker.goto(`${base()}/my-library/ownership`);
  await expect(taker.getByTestId('ownership-changes')).toContainText('Studio clip');
  await taker.getByRole('button', { name: 'Accept' }).click();
  await expect(taker.getByTestId('ownership-status')).toHaveText('Accepted');
  await taker.screenshot({ path: shots('ownership-accepted') });
  const moved = await video();
  expect(moved.account.name).toBe('studiotaker');
});
