// Importing by URL (issue 21): the Import page takes the address of a clip served from
// loopback by this spec; the import is listed with its state until it succeeds, and the
// video it made opens once transcoding has published it. A refused address shows its error.
import { expect, test } from '@playwright/test';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base, logIn, tokens } from './helpers';

const PASSWORD = 'a-good-password';
let server: Server;
let origin = '';

test.beforeAll(async () => {
  const clip = process.env.CIRRUS_CLIP!;
  server = createServer((request, response) => {
    if (request.url === '/elsewhere') {
      response.writeHead(302, { Location: 'http://10.20.30.40/clip.mp4' }).end();
      return;
    }
    if (request.url !== '/harbour.mp4') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'video/mp4', 'Content-Length': statSync(clip).size });
    createReadStream(clip).pipe(response);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const root = { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens.root()}` };
  const custom = (await (await fetch(`${base()}/api/v1/config/custom`, { headers: root })).json()) as {
    import: { videos: { http: { enabled: boolean } } };
  };
  custom.import.videos.http.enabled = true;
  expect((await fetch(`${base()}/api/v1/config/custom`, { method: 'PUT', headers: root, body: JSON.stringify(custom) })).ok).toBe(true);
  const made = await fetch(`${base()}/api/v1/users`, {
    method: 'POST',
    headers: root,
    body: JSON.stringify({ username: 'importer', password: PASSWORD, email: 'importer@example.org', role: 2, videoQuota: -1 }),
  });
  expect(made.ok).toBe(true);
});

test.afterAll(() => new Promise<void>((done) => server.close(() => done())));

test('import a clip by URL, follow it to its published video; a refused address shows why', async ({ page }) => {
  test.setTimeout(420_000); // the import, then transcoding a 720p clip beside the shared video's
  await logIn(page, 'importer', PASSWORD);
  await page.goto(`${base()}/import`);
  await expect(page.getByRole('heading', { name: 'Import a video' })).toBeVisible();

  await page.getByLabel('Video URL').fill(`${origin}/elsewhere`);
  await page.getByRole('button', { name: 'Import' }).click();
  const refused = page.getByTestId('imports').locator('li').filter({ hasText: `${origin}/elsewhere` });
  await expect(refused.getByRole('status')).toHaveText('Failed', { timeout: 60_000 });
  await expect(refused).toContainText('10.20.30.40');

  await page.getByLabel('Video URL').fill(`${origin}/harbour.mp4`);
  await page.getByRole('button', { name: 'Import' }).click();
  const listed = page.getByTestId('imports').locator('li').filter({ hasText: `${origin}/harbour.mp4` });
  await expect(listed.getByRole('status')).toHaveText('Success', { timeout: 120_000 });
  const opened = listed.getByRole('link');
  await expect(opened).toBeVisible();
  await opened.click();
  await expect(page.getByRole('heading', { name: 'harbour' })).toBeVisible();
  const id = new URL(page.url()).pathname.split('/').pop()!;
  await expect
    .poll(async () => ((await (await fetch(`${base()}/api/v1/videos/${id}`)).json()) as { state?: { id: number } }).state?.id, {
      timeout: 300_000,
      intervals: [3000],
    })
    .toBe(1);
  await page.reload();
  await expect(page.getByTestId('player')).toBeVisible();
});
