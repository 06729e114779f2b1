// Forgot password → the reset email, read from the local stack's mail sink (an .eml file per
// message under the data directory) → the link opened in the browser → a new password that
// logs in, and a link that does not work twice (issue 18).
import { expect, test } from '@playwright/test';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { base, tokens } from './helpers';

const PASSWORD = 'a-good-password';

/** The link of the text part of the newest email to `to` (quoted-printable decoded). */
async function linkMailedTo(to: string): Promise<string> {
  const directory = process.env.CIRRUS_MAIL_DIR!;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const files = existsSync(directory) ? readdirSync(directory).filter((name) => name.endsWith('.eml')).sort() : [];
    for (const name of files.reverse()) {
      const raw = readFileSync(join(directory, name), 'utf8');
      if (!raw.includes(`To: ${to}`)) continue;
      const text = raw.split('Content-Type: text/plain')[1]!.split('\n--=')[0]!;
      const decoded = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      const found = decoded.match(/https?:\/\/\S+/);
      if (found) return found[0];
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no email to ${to} in ${directory}`);
}

test('forgot password: the emailed link sets a new password once', async ({ page }) => {
  const made = await fetch(`${base()}/api/v1/users`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens.root()}` },
    body: JSON.stringify({ username: 'forgetful', password: PASSWORD, email: 'forgetful@example.org', role: 2 }),
  });
  expect(made.ok).toBe(true);

  await page.goto(`${base()}/login`);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByLabel('Email').fill('forgetful@example.org');
  await page.getByRole('button', { name: 'Send me a reset link' }).click();
  await expect(page.getByRole('status')).toContainText('forgetful@example.org');

  const link = new URL(await linkMailedTo('forgetful@example.org'));
  expect(link.pathname).toBe('/reset-password');
  await page.goto(`${base()}${link.pathname}${link.search}`);
  await page.getByLabel('New password', { exact: true }).fill('a-brand-new-password');
  await page.getByLabel('Confirm the new password').fill('a-brand-new-password');
  await page.getByRole('button', { name: 'Change my password' }).click();
  await expect(page.getByRole('heading', { name: 'Password changed' })).toBeVisible();

  await page.getByRole('link', { name: 'Log in' }).last().click();
  await page.getByLabel('Username or email').fill('forgetful');
  await page.getByLabel('Password').fill('a-brand-new-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();

  // The same link again: refused, with a way to ask for a new one.
  await page.goto(`${base()}${link.pathname}${link.search}`);
  await page.getByLabel('New password', { exact: true }).fill('a-third-password');
  await page.getByLabel('Confirm the new password').fill('a-third-password');
  await page.getByRole('button', { name: 'Change my password' }).click();
  await expect(page.getByRole('alert')).toContainText('no longer valid');
});
