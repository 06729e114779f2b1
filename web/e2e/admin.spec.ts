// The Administration area (issue 23): a moderator resolves a report, approves a held comment,
// blocks a video (an anonymous visitor no longer finds it) and is kept from the administrator's
// pages; an administrator creates a user, blocks one, changes a role, and sees a refused setting
// beside its field. One stack, and a clip of its own (two seconds, small) so that nothing the
// other specs share is changed.
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { outputDir } from './global-setup';
import { base, logIn, PASSWORD, ROOT_PASSWORD, sharedVideo, tokens } from './helpers';

test.describe.configure({ mode: 'serial' });

const HELD = 'Held until a moderator reads it';
let uuid: string;
let abuseId: number;

async function call(path: string, token: string, init: { method?: string; json?: unknown; body?: FormData } = {}): Promise<Response> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (init.json !== undefined) headers['Content-Type'] = 'application/json';
  const answer = await fetch(`${base()}${path}`, {
    method: init.method ?? (init.json !== undefined || init.body ? 'POST' : 'GET'),
    headers,
    body: init.body ?? (init.json !== undefined ? JSON.stringify(init.json) : undefined),
  });
  if (!answer.ok) throw new Error(`${path}: ${answer.status} ${await answer.text()}`);
  return answer;
}

async function tokenOf(username: string): Promise<string> {
  const client = (await (await fetch(`${base()}/api/v1/oauth-clients/local`)).json()) as Record<string, string>;
  const form = new URLSearchParams({ client_id: client.client_id!, client_secret: client.client_secret!, grant_type: 'password', username, password: PASSWORD });
  const answer = await fetch(`${base()}/api/v1/users/token`, { method: 'POST', body: form });
  return ((await answer.json()) as { access_token: string }).access_token;
}

test.beforeAll(async () => {
  const root = tokens.root();
  for (const [username, role] of [['modo', 1], ['uploader', 2], ['troublemaker', 2]] as const) {
    await call('/api/v1/users', root, { json: { username, password: PASSWORD, email: `${username}@example.org`, role, videoQuota: -1 } });
  }
  const uploader = await tokenOf('uploader');
  const me = (await (await call('/api/v1/users/me', uploader)).json()) as { account: { id: number }; videoChannels: { id: number }[] };
  const clip = join(outputDir, 'admin-clip.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15', '-t', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', clip]);
  const form = new FormData();
  form.set('name', 'Admin spec clip');
  form.set('channelId', String(me.videoChannels[0]!.id));
  form.set('privacy', '1');
  form.set('commentsPolicy', '3'); // REQUIRES_APPROVAL: every comment waits
  form.set('videofile', new Blob([readFileSync(clip)], { type: 'video/mp4' }), 'admin.mp4');
  uuid = ((await (await call('/api/v1/videos/upload', uploader, { body: form })).json()) as { video: { uuid: string } }).video.uuid;

  const troublemaker = await tokenOf('troublemaker');
  const report = await call('/api/v1/abuses', troublemaker, { json: { reason: 'This account posts spam everywhere', account: { id: me.account.id } } });
  abuseId = ((await report.json()) as { abuse: { id: number } }).abuse.id;
});

async function published(): Promise<void> {
  await expect
    .poll(async () => ((await (await fetch(`${base()}/api/v1/videos/${uuid}`)).json()) as { state?: { id: number } }).state?.id, {
      timeout: 90_000,
      intervals: [500],
    })
    .toBe(1);
}

test('a moderator resolves a report, approves a held comment, blocks a video, and cannot open the administrator’s pages', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await logIn(page, 'modo');
  await page.getByRole('link', { name: 'Administration' }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  const nav = page.getByRole('navigation', { name: 'Administration' });
  for (const shown of ['Users', 'Reports', 'Comments', 'Video blocks', 'Watched words']) await expect(nav.getByRole('link', { name: shown })).toBeVisible();
  for (const hidden of ['Settings', 'Plugins', 'Follows', 'Runners and jobs', 'Appearance']) await expect(nav.getByRole('link', { name: hidden })).toHaveCount(0);
  // Administrators are not the moderator's to manage.
  await expect(page.getByRole('row', { name: /^root/ })).toContainText('Administrators manage this user');

  for (const path of ['settings', 'plugins', 'follows']) {
    await page.goto(`${base()}/admin/${path}`);
    await expect(page.getByRole('alert')).toHaveText('You are not allowed to see this page: it is for administrators only.');
    await expect(page.getByRole('button', { name: 'Save the settings' })).toHaveCount(0);
  }

  // The report: accepted with a note.
  await page.getByRole('link', { name: 'Reports' }).click();
  await page.getByLabel('State').selectOption('1');
  const report = page.getByRole('listitem', { name: `Report ${abuseId}` });
  await expect(report).toContainText('This account posts spam everywhere');
  await report.getByLabel('Moderation note').fill('Warned the account');
  await report.getByRole('button', { name: 'Accept the report' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Report ${abuseId} is accepted.` })).toBeVisible();
  await expect(report).toHaveCount(0); // no longer pending
  const abuse = (await (await call(`/api/v1/abuses?id=${abuseId}`, tokens.root())).json()) as { data: { state: { id: number }; moderationComment: string }[] };
  expect(abuse.data[0]).toMatchObject({ state: { id: 3 }, moderationComment: 'Warned the account' });

  // The held comment: approved, then anyone reads it.
  await published();
  await call(`/api/v1/videos/${uuid}/comment-threads`, await tokenOf('troublemaker'), { json: { text: HELD } });
  const threads = async () => ((await (await fetch(`${base()}/api/v1/videos/${uuid}/comment-threads`)).json()) as { data: { text: string }[] }).data.map((c) => c.text);
  expect(await threads()).toEqual([]);
  await page.getByRole('link', { name: 'Comments' }).click();
  const held = page.locator('.moderation-item', { hasText: HELD });
  await expect(held).toContainText('waiting for approval');
  await held.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The comment is approved.' })).toBeVisible();
  await expect(held).not.toContainText('waiting for approval');
  expect(await threads()).toEqual([HELD]);

  // The block: the video leaves the lists an anonymous visitor sees, and its page closes.
  await sharedVideo(); // listed with ours: once it shows, the list has loaded
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(`${base()}/videos/recently-added`);
  await expect(visitor.getByText('Shared clip')).toBeVisible();
  await expect(visitor.getByText('Admin spec clip')).toBeVisible();
  await page.getByRole('link', { name: 'Video blocks' }).click();
  await page.getByLabel('Video address or UUID').fill(`${base()}/w/${uuid}`);
  await page.getByLabel('Reason').fill('Spam');
  await page.getByRole('button', { name: 'Block the video' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The video is blocked.' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Blocked videos' })).toContainText('Admin spec clip');
  await visitor.reload();
  await expect(visitor.getByText('Shared clip')).toBeVisible();
  await expect(visitor.getByText('Admin spec clip')).toHaveCount(0);
  expect((await fetch(`${base()}/api/v1/videos/${uuid}`)).status).toBe(401);
  await visitor.context().close();
  await page.context().close();
});

test('an administrator creates a user, blocks one with a reason, makes another a moderator, and is told what is wrong in the settings', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await logIn(page, 'root', ROOT_PASSWORD);
  await page.goto(`${base()}/admin`);
  await expect(page).toHaveURL(/\/admin\/users$/);
  const nav = page.getByRole('navigation', { name: 'Administration' });
  for (const shown of ['Settings', 'Appearance', 'Plugins', 'Follows', 'Runners and jobs']) await expect(nav.getByRole('link', { name: shown })).toBeVisible();

  await page.getByRole('link', { name: 'Create a user' }).click();
  await page.getByLabel('Username').fill('Bad Name');
  await page.getByRole('button', { name: 'Create the user' }).click();
  await expect(page.getByText('Use 1 to 50 lowercase letters, digits, dots and underscores.')).toBeVisible();
  await page.getByLabel('Username').fill('newcomer');
  await page.getByLabel('Email').fill('newcomer@example.org');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Video quota', { exact: true }).selectOption({ label: '1 GB' });
  await page.getByRole('button', { name: 'Create the user' }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole('row', { name: /^newcomer/ })).toContainText('0 B used of 1 GB');

  await page.getByLabel('Search users').fill('trouble');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('table', { name: 'Users of this instance' }).getByRole('row')).toHaveCount(2);
  await page.getByRole('button', { name: 'Block troublemaker' }).click();
  await page.getByLabel('Reason (the user is told)').fill('Spam reports');
  await page.getByRole('form', { name: 'Block troublemaker' }).getByRole('button', { name: 'Block troublemaker' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'troublemaker is blocked.' })).toBeVisible();
  await expect(page.getByRole('row', { name: /^troublemaker/ })).toContainText('Blocked: Spam reports');

  await page.getByLabel('Search users').fill('');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: 'Edit uploader' }).click();
  await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Moderator' });
  await page.getByLabel('Daily video quota').selectOption({ label: '100 MB' });
  await page.getByRole('button', { name: 'Save the user' }).click();
  await expect(page.getByRole('status')).toHaveText('uploader is saved.');
  const users = (await (await call('/api/v1/users?search=uploader', tokens.root())).json()) as {
    data: { role: { id: number }; videoQuotaDaily: number }[];
  };
  expect(users.data[0]).toMatchObject({ role: { id: 1 }, videoQuotaDaily: 100 * 1024 ** 2 });

  // The settings: a value out of bounds is refused beside its field, and nothing is sent.
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Settings' }).click();
  const limit = page.getByLabel('Most users (-1 for no limit)');
  await limit.fill('-5');
  await page.getByRole('button', { name: 'Save the settings' }).click();
  await expect(page.getByRole('alert')).toHaveText('The settings were not saved: 1 field(s) to correct.');
  await expect(limit).toHaveAttribute('aria-invalid', 'true');
  await expect(limit).toHaveAccessibleDescription('Give a number of at least -1.');
  await expect(limit).toBeFocused();
  const stored = (await (await call('/api/v1/config/custom', tokens.root())).json()) as { signup: { limit: number } };
  expect(stored.signup.limit).not.toBe(-5);
  await page.context().close();
});
