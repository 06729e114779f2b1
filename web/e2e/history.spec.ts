// Watch history and sessions (issue 18): a video watched part-way resumes where it stopped
// after a reload, is listed in My library's History and removed from it; the Security page
// lists the browser's own session.
import { expect, test } from '@playwright/test';
import { base, sharedVideo, tokens } from './helpers';

const PASSWORD = 'a-good-password';

test('watch part-way, resume, find it in the history, remove it; see the session', async ({ page }) => {
  const uuid = await sharedVideo();
  const made = await fetch(`${base()}/api/v1/users`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens.root()}` },
    body: JSON.stringify({ username: 'historian', password: PASSWORD, email: 'historian@example.org', role: 2 }),
  });
  expect(made.ok).toBe(true);
  await page.goto(`${base()}/login`);
  await page.getByLabel('Username or email').fill('historian');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();

  await page.goto(`${base()}/w/${uuid}`);
  const video = page.getByTestId('player');
  await expect(video).toBeVisible();
  await page.evaluate(() => {
    const v = document.querySelector('video')!;
    v.muted = true;
    void v.play();
  });
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 }).toBeGreaterThan(1);
  // Jump to 4 s and stop there: the player tells the seek, which the history keeps at once.
  const seekPing = page.waitForResponse(
    (r) => r.url().includes(`/views`) && r.request().method() === 'POST' && (r.request().postData() ?? '').includes('"seek"'),
  );
  await video.evaluate((v: HTMLVideoElement) => {
    v.pause();
    v.currentTime = 4;
  });
  expect((await seekPing).status()).toBe(204);

  await page.reload();
  await expect(video).toBeVisible();
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
  expect(await video.evaluate((v: HTMLVideoElement) => v.paused)).toBe(true);

  await page.goto(`${base()}/my-library/history/videos`);
  const history = page.getByRole('list', { name: 'My history' });
  await expect(history.getByRole('listitem')).toHaveCount(1);
  await expect(page.getByRole('checkbox', { name: 'Record my watch history' })).toBeChecked();
  await history.getByRole('button', { name: /from my history/ }).click();
  await expect(page.getByText('No videos here yet')).toBeVisible();

  // Turning recording off is kept on the account.
  await page.getByRole('checkbox', { name: 'Record my watch history' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'no longer recorded' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('checkbox', { name: 'Record my watch history' })).not.toBeChecked();

  await page.goto(`${base()}/my-account/security`);
  const sessions = page.getByRole('list', { name: 'Sessions' });
  await expect(sessions.getByTestId('token-session')).toHaveCount(1);
  await expect(sessions.getByTestId('token-session')).toContainText('this session');
  await expect(sessions.getByTestId('token-session')).toContainText('Chrome');
});
