// Feed and oEmbed discovery (issue 20): the links the pages put in the document's head lead
// to feeds and an oEmbed answer that name the shared video.
import { expect, test } from '@playwright/test';
import { base, SHARED_CREATOR, sharedVideo } from './helpers';

let uuid: string;
let name: string;

test.beforeAll(async () => {
  uuid = await sharedVideo();
  name = ((await (await fetch(`${base()}/api/v1/videos/${uuid}`)).json()) as { name: string }).name;
});

test('a channel page links its feeds in the head and on the page', async ({ page }) => {
  const channels = (await (await fetch(`${base()}/api/v1/accounts/${SHARED_CREATOR}/video-channels`)).json()) as {
    data: { name: string; id: number }[];
  };
  const channel = channels.data[0]!;
  await page.goto(`${base()}/c/${channel.name}`);
  const rss = page.locator('head link[rel="alternate"][type="application/rss+xml"]').first();
  await expect(rss).toHaveAttribute('href', new RegExp(`/feeds/videos\\.xml\\?videoChannelId=${channel.id}$`));
  const feed = await page.request.get((await rss.getAttribute('href'))!);
  expect(feed.status()).toBe(200);
  expect(await feed.text()).toContain(`<title>${name}</title>`);
  await expect(page.getByRole('navigation', { name: /Feeds of/ }).getByRole('link', { name: 'Podcast' })).toBeVisible();
});

test('a watch page links its oEmbed, which embeds the video', async ({ page }) => {
  await page.goto(`${base()}/w/${uuid}`);
  const link = page.locator('head link[rel="alternate"][type="application/json+oembed"]');
  await expect(link).toHaveCount(1);
  const answer = await page.request.get((await link.getAttribute('href'))!);
  expect(answer.status()).toBe(200);
  const body = (await answer.json()) as { type: string; html: string; title: string };
  expect(body.type).toBe('video');
  expect(body.title).toBe(name);
  expect(body.html).toContain('/videos/embed/');
  // Leaving the page within the app takes its links out of the head.
  await page.getByRole('link', { name: 'About this instance' }).click();
  await expect(page).toHaveURL(/\/about$/);
  await expect(page.locator('head link[type="application/json+oembed"]')).toHaveCount(0);
});
