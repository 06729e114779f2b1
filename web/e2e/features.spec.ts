// What the journey does not walk through: the embed page, replies, Watch later, a channel's
// edit and avatar, a video's edit and deletion, and instance settings (issue 6).
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { base, logIn, ROOT_PASSWORD, SHARED_CREATOR, SHARED_PASSWORD, sharedVideo, tokens } from './helpers';

test.describe.configure({ mode: 'serial' });

// One signed-in page for the creator of the shared video, kept across the tests.
let page: Page;
let uuid: string;

test.beforeAll(async ({ browser }) => {
  page = await (await browser.newContext()).newPage();
  await logIn(page, SHARED_CREATOR, SHARED_PASSWORD);
  uuid = await sharedVideo();
});

test.afterAll(async () => page.context().close());

test('the embed page plays the video alone', async ({ page: viewer }) => {
  await viewer.goto(`${base()}/videos/embed/${uuid}`);
  await expect(viewer.locator('header')).toHaveCount(0);
  const video = viewer.getByTestId('player');
  await expect(video).toBeVisible();
  await viewer.evaluate(() => {
    const v = document.querySelector('video')!;
    v.muted = true;
    void v.play();
  });
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 }).toBeGreaterThan(1);
});

test('a comment gets a reply', async () => {
  await page.goto(`${base()}/w/${uuid}`);
  await page.getByLabel('Add a comment').fill('Who filmed this?');
  await page.getByRole('button', { name: 'Send' }).click();
  const thread = page.locator('.comment-list > li', { hasText: 'Who filmed this?' });
  await thread.getByRole('button', { name: /^Reply to / }).first().click();
  await thread.getByLabel(/^Reply to /).fill('I did, with ffmpeg.');
  await thread.getByRole('button', { name: 'Send' }).click();
  await expect(thread.locator('.comment-replies .comment__text', { hasText: 'I did, with ffmpeg.' })).toBeVisible();
});

test('Watch later: added from the watch page, seen and removed in the library', async () => {
  await page.goto(`${base()}/w/${uuid}`);
  await page.getByRole('button', { name: 'Watch later' }).click();
  await expect(page.getByRole('button', { name: 'Added to Watch later' })).toBeDisabled();
  await page.goto(`${base()}/my-library/watch-later`);
  const list = page.getByRole('list', { name: 'Watch later' });
  await expect(list.getByRole('link', { name: 'Shared clip' }).first()).toBeVisible();
  await page.getByRole('button', { name: 'Remove Shared clip from Watch later' }).click();
  await expect(page.getByText('Nothing to watch later')).toBeVisible();
});

test('a channel is edited and gets an avatar', async () => {
  await page.goto(`${base()}/my-library/channels`);
  await page.getByRole('button', { name: /^Edit / }).first().click();
  await page.getByLabel('Display name').fill('Cloud corner');
  await page.getByLabel('Description').fill('Clips of the sky.');
  await page.getByLabel('Support text').fill('Send us a postcard.');
  await page.getByLabel('Avatar').setInputFiles(process.env.CIRRUS_AVATAR!);
  await page.getByRole('button', { name: 'Save the channel' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Cloud corner is saved.' })).toBeVisible();
  const card = page.locator('.channel-card', { hasText: 'Cloud corner' });
  await expect(card.locator('img.avatar')).toBeVisible();
  await card.getByRole('link', { name: 'Cloud corner' }).click();
  await expect(page.getByRole('heading', { name: 'Cloud corner' })).toBeVisible();
  await expect(page.getByText('Clips of the sky.')).toBeVisible();
});

test('a video is edited, another deleted after a confirmation', async () => {
  // A throwaway video to delete (its bytes are no video: it never gets published).
  const token = tokens.sharedCreator();
  const me = (await (await fetch(`${base()}/api/v1/users/me`, { headers: { Authorization: `Bearer ${token}` } })).json()) as {
    videoChannels: { id: number }[];
  };
  const form = new FormData();
  form.set('name', 'Throwaway');
  form.set('channelId', String(me.videoChannels[0]!.id));
  form.set('videofile', new Blob([readFileSync(process.env.CIRRUS_AVATAR!)], { type: 'video/mp4' }), 'throwaway.mp4');
  expect((await fetch(`${base()}/api/v1/videos/upload`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form })).ok).toBe(true);

  await page.goto(`${base()}/my-library`);
  await page.getByRole('link', { name: 'Edit Shared clip' }).click();
  await expect(page.getByLabel('Title')).toHaveValue('Shared clip');
  await page.getByLabel('Category').selectOption({ label: 'Science & Technology' });
  await page.getByLabel('Tags').fill('sky, clouds');
  await page.getByLabel('Comments').selectOption({ label: 'Enabled' });
  await page.getByRole('button', { name: 'Save the changes' }).click();
  await expect(page.getByRole('status').filter({ hasText: '“Shared clip” is saved.' })).toBeVisible();
  await page.goto(`${base()}/w/${uuid}`);
  await expect(page.getByRole('list', { name: 'Tags' })).toContainText('#clouds');

  await page.goto(`${base()}/my-library`);
  await page.getByRole('button', { name: 'Delete Throwaway' }).click();
  await expect(page.getByText('Delete “Throwaway”? This cannot be undone.')).toBeVisible();
  await page.getByRole('button', { name: 'Delete for good' }).click();
  await expect(page.getByRole('button', { name: 'Delete Throwaway' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Edit Shared clip' })).toBeVisible();
});

test('instance settings saved by the administrator show on the About page', async ({ page: admin }) => {
  await logIn(admin, 'root', ROOT_PASSWORD);
  try {
    await admin.goto(`${base()}/admin/settings`);
    await admin.getByLabel('Instance name').fill('Cumulus');
    await admin.getByLabel('Short description').fill('A test instance about clouds');
    await admin.getByLabel('Description', { exact: true }).fill('Welcome to **Cumulus**.');
    await admin.getByLabel('Terms').fill('Be kind to clouds.');
    await admin.getByLabel('Most users (-1 for no limit)').fill('-1');
    await admin.getByRole('button', { name: 'Save the settings' }).click();
    await expect(admin.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
    await expect(admin.locator('.brand')).toHaveText('Cumulus');

    await admin.getByRole('link', { name: 'About this instance' }).click();
    await expect(admin.getByRole('heading', { name: 'About Cumulus' })).toBeVisible();
    await expect(admin.getByText('A test instance about clouds')).toBeVisible();
    await expect(admin.locator('.prose strong')).toHaveText('Cumulus');

    // A refusal says why (the server's answer is made up here: the form's own checks stop
    // the values the server would refuse).
    await admin.route('**/api/v1/config/custom', (route) =>
      route.request().method() === 'PUT'
        ? route.fulfill({
            status: 400,
            contentType: 'application/problem+json',
            body: JSON.stringify({ status: 400, title: 'Bad Request', detail: 'Incorrect request parameters: signup.limit' }),
          })
        : route.continue(),
    );
    await admin.goto(`${base()}/admin/settings`);
    await admin.getByRole('button', { name: 'Save the settings' }).click();
    await expect(admin.getByRole('alert')).toHaveText('The settings were not saved: Incorrect request parameters: signup.limit');
  } finally {
    const token = tokens.root();
    await fetch(`${base()}/api/v1/config/custom`, { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
  }
});
