// Channel collaborators (PeerTube 8, issue 23): a creator invites another account from the
// channel editor, that account accepts from its notifications, and then finds the creator's
// channel among those it may upload to.
import { expect, test } from '@playwright/test';
import { base, logIn, PASSWORD, SHARED_CREATOR, SHARED_PASSWORD, tokens } from './helpers';

test('an invited account accepts and may then upload to the channel', async ({ browser }) => {
  // Made by the administrator: sign-up allows two an address every five minutes, which the
  // journey's own sign-ups need.
  const made = await fetch(`${base()}/api/v1/users`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${tokens.root()}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'helpinghand', password: PASSWORD, email: 'helpinghand@example.org', role: 2 }),
  });
  expect(made.status).toBe(200);
  const helper = await (await browser.newContext()).newPage();
  await logIn(helper, 'helpinghand');

  const creator = await (await browser.newContext()).newPage();
  await logIn(creator, SHARED_CREATOR, SHARED_PASSWORD);
  await creator.goto(`${base()}/my-library/channels`);
  await creator.getByRole('button', { name: /^Edit / }).first().click();
  const team = creator.getByRole('group', { name: 'Collaborators' });
  await expect(team.getByText('Nobody yet.')).toBeVisible();
  await team.getByLabel('Invite an account of this instance (its name)').fill('helpinghand');
  await team.getByRole('button', { name: 'Invite' }).click();
  await expect(team.getByRole('status')).toHaveText('The invitation is sent.');
  await expect(team.getByText(/helpinghand.*Invitation pending/)).toBeVisible();
  const channelName = (await creator.locator('.channel-card a').first().textContent()) ?? '';

  await helper.goto(`${base()}/upload`);
  await expect(helper.getByLabel('Channel').locator('option', { hasText: channelName })).toHaveCount(0);
  await helper.goto(`${base()}/my-account/notifications`);
  await expect(helper.getByText(`invited you to collaborate on ${channelName}`)).toBeVisible({ timeout: 30_000 });
  await helper.getByRole('button', { name: 'Accept' }).click();
  await expect(helper.getByRole('status').filter({ hasText: 'You now collaborate on' })).toBeVisible();

  await helper.goto(`${base()}/upload`);
  await expect(helper.getByLabel('Channel').locator('option', { hasText: channelName })).toHaveCount(1);

  await creator.reload();
  await creator.getByRole('button', { name: /^Edit / }).first().click();
  await expect(creator.getByRole('group', { name: 'Collaborators' }).getByText(/helpinghand.*Collaborator/)).toBeVisible();
  await helper.context().close();
  await creator.context().close();
});
