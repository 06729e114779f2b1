// The notification bell counts live (socket.io on /user-notifications, no reload), the
// notifications page marks one or all read, and the settings grid saves (issue 18).
import { expect, test, type Page } from '@playwright/test';
import { base, logIn, tokens } from './helpers';

test.describe.configure({ mode: 'serial' });

const PASSWORD = 'a-good-password';
let page: Page;

async function api(path: string, token: string, method = 'GET', body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const answer = await fetch(`${base()}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!answer.ok) throw new Error(`${method} ${path}: ${answer.status} ${await answer.text()}`);
  return answer;
}

/** A user made by the administrator (sign-up is limited per address), logged in over the API. */
async function member(username: string): Promise<string> {
  await api('/api/v1/users', tokens.root(), 'POST', { username, password: PASSWORD, email: `${username}@example.org`, role: 2 });
  const client = (await (await fetch(`${base()}/api/v1/oauth-clients/local`)).json()) as Record<string, string>;
  const form = new URLSearchParams({ client_id: client.client_id!, client_secret: client.client_secret!, grant_type: 'password', username, password: PASSWORD });
  const answer = await fetch(`${base()}/api/v1/users/token`, { method: 'POST', body: form });
  return ((await answer.json()) as { access_token: string }).access_token;
}

async function subscribe(token: string, channel: string): Promise<void> {
  const host = ((await (await fetch(`${base()}/api/v1/video-channels/${channel}`)).json()) as { host: string }).host;
  await api('/api/v1/users/me/subscriptions', token, 'POST', { uri: `${channel}@${host}` });
}

const bell = () => page.getByRole('link', { name: /^Notifications, / });

test.beforeAll(async ({ browser }) => {
  await api('/api/v1/users', tokens.root(), 'POST', { username: 'belle', password: PASSWORD, email: 'belle@example.org', role: 2 });
  page = await (await browser.newContext()).newPage();
  await logIn(page, 'belle', PASSWORD);
});

test.afterAll(async () => page.context().close());

test('the bell counts new notifications live', async () => {
  await expect(bell()).toHaveAccessibleName('Notifications, none unread');
  const first = await member('fanone');
  await subscribe(first, 'belle_channel');
  // No reload: the count moves when the server pushes the notification.
  await expect(bell()).toHaveAccessibleName('Notifications, 1 unread');
  await expect(page.getByTestId('unread-count')).toHaveText('1');
  const second = await member('fantwo');
  await subscribe(second, 'belle_channel');
  await expect(bell()).toHaveAccessibleName('Notifications, 2 unread');
});

test('the notifications page marks one, then all, as read', async () => {
  await bell().click();
  const list = page.getByRole('list', { name: 'Notifications' });
  await expect(list.getByRole('listitem')).toHaveCount(2);
  await expect(list.getByText(/fantwo follows your channel/)).toBeVisible();
  await page.getByRole('button', { name: /^Mark as read: fantwo follows/ }).click();
  await expect(bell()).toHaveAccessibleName('Notifications, 1 unread');
  await expect(list.locator('.notification--unread')).toHaveCount(1);
  await page.getByRole('button', { name: 'Mark all as read' }).click();
  await expect(bell()).toHaveAccessibleName('Notifications, none unread');
  await expect(list.locator('.notification--unread')).toHaveCount(0);
  // The server agrees.
  await page.reload();
  await expect(page.getByRole('list', { name: 'Notifications' }).locator('.notification--unread')).toHaveCount(0);
  await expect(bell()).toHaveAccessibleName('Notifications, none unread');
});

test('the settings grid saves each choice', async () => {
  await page.getByRole('link', { name: 'Notification settings', exact: true }).click();
  const web = page.getByRole('checkbox', { name: /^Someone subscribed to your channel or follows your account, on this site/ });
  const email = page.getByRole('checkbox', { name: /^Someone subscribed to your channel or follows your account, by email/ });
  await expect(web).toBeChecked();
  await expect(email).not.toBeChecked();
  await web.uncheck();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await email.check();
  await expect(email).toBeChecked();
  await page.reload();
  await expect(web).not.toBeChecked();
  await expect(email).toBeChecked();
  // Moderators' rows are not shown to a user.
  await expect(page.getByRole('checkbox', { name: /^A new report/ })).toHaveCount(0);
});
