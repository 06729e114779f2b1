// Comment moderation (issue 23): a creator watches a word, holds the comments it tags for
// approval, approves one, and a visitor sees it only then.
import { expect, test, type Page } from '@playwright/test';
import { base, logIn, SHARED_CREATOR, SHARED_PASSWORD, sharedVideo, signUp } from './helpers';

test.describe.configure({ mode: 'serial' });

let creator: Page;
let uuid: string;

test.beforeAll(async ({ browser }) => {
  creator = await (await browser.newContext()).newPage();
  await logIn(creator, SHARED_CREATOR, SHARED_PASSWORD);
  uuid = await sharedVideo();
});

test.afterAll(async () => creator.context().close());

test('a comment tagged by a watched word waits for approval, then shows', async ({ browser }) => {
  await creator.goto(`${base()}/my-account/moderation`);
  await expect(creator.getByRole('heading', { name: 'My watched words' })).toBeVisible();
  await creator.getByRole('button', { name: 'Add a list' }).click();
  await creator.getByLabel('List name').fill('gambling');
  await creator.getByLabel('Words, one a line').fill('casino\nroulette');
  await creator.getByRole('button', { name: 'Add the list' }).click();
  await expect(creator.getByText('gambling: casino, roulette')).toBeVisible();
  await creator.getByLabel('gambling', { exact: true }).check();
  await expect(creator.getByRole('status')).toHaveText('Saved.');

  const commenter = await (await browser.newContext()).newPage();
  await signUp(commenter, 'gambler');
  await commenter.goto(`${base()}/w/${uuid}`);
  await commenter.getByLabel('Add a comment').fill('Come to my Casino tonight');
  // Closing the page at once could cut the comment's POST short on a loaded machine.
  const posted = commenter.waitForResponse((r) => r.url().includes('/comment-threads') && r.request().method() === 'POST');
  await commenter.getByRole('button', { name: 'Send' }).click();
  expect((await posted).ok()).toBe(true);
  await commenter.context().close();

  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(`${base()}/w/${uuid}`);
  await expect(visitor.getByRole('heading', { name: /comment/i }).first()).toBeVisible();
  await expect(visitor.getByText('Come to my Casino tonight')).toHaveCount(0);

  await creator.reload();
  const held = creator.locator('.moderation-item', { hasText: 'Come to my Casino tonight' });
  await expect(held).toContainText('waiting for approval');
  await expect(held).toContainText('Automatic tags: gambling');
  await held.getByRole('button', { name: 'Approve' }).click();
  await expect(held).toHaveCount(0); // out of the list of those waiting

  await visitor.reload();
  await expect(visitor.getByText('Come to my Casino tonight')).toBeVisible();
  await visitor.context().close();

  await creator.getByRole('button', { name: 'Delete the list gambling' }).click();
  await expect(creator.getByText('gambling: casino, roulette')).toHaveCount(0);
});
