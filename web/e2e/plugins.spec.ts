// The administrator's Plugins page (issue 25): the installed plugin's settings form is drawn
// from what it registered, and saving it stores the values the API then gives back.
import { expect, test } from '@playwright/test';
import { base, tokens } from './helpers';
import { ROOT_PASSWORD } from './global-setup';

test('the administrator edits a plugin’s settings', async ({ page }) => {
  await page.goto(`${base()}/login`);
  await page.getByLabel('Username or email').fill('root');
  await page.getByLabel('Password').fill(ROOT_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();

  await page.goto(`${base()}/admin`);
  await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Plugins' }).click();
  await expect(page.getByRole('heading', { name: /settings-demo/ })).toBeVisible();
  await expect(page.getByText('Settings for the demo.')).toBeVisible();
  await expect(page.getByLabel('Greeting')).toHaveValue('Hello');
  await page.getByLabel('Greeting').fill('Good morning');
  await page.getByLabel('Shout').check();
  await page.getByLabel('Colour').selectOption('green');
  // Other plugins are installed too (the watch-button plugin has a setting): this one's form.
  const form = page.getByRole('form', { name: 'settings-demo' });
  await form.getByRole('button', { name: 'Save the settings' }).click();
  await expect(form.getByRole('status')).toHaveText('Settings saved.');

  const answer = await fetch(`${base()}/api/v1/plugins/peertube-plugin-settings-demo/public-settings`);
  expect(await answer.json()).toEqual({ publicSettings: { greeting: 'Good morning', shout: true } });
  const stored = await fetch(`${base()}/api/v1/plugins/peertube-plugin-settings-demo`, {
    headers: { Authorization: `Bearer ${tokens.root()}` },
  });
  expect(((await stored.json()) as { settings: Record<string, unknown> }).settings.colour).toBe('green');
});
