// Two-factor login set up from the Security page with a code computed as an authentication
// app computes it (RFC 6238), then a login that asks for the code (issue 18).
import { expect, test } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { base, tokens } from './helpers';

const PASSWORD = 'a-good-password';

/** RFC 4648 base32 → bytes. */
function fromBase32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of text.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The TOTP code (SHA-1, 6 digits, 30 s) of `secret`, `offset` steps from now. */
function totp(secret: string, offset = 0): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + offset));
  const digest = createHmac('sha1', fromBase32(secret)).update(counter).digest();
  const at = digest[digest.length - 1]! & 0x0f;
  const value = (digest.readUInt32BE(at) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

test('two-factor login: set up, then asked for at login', async ({ page }) => {
  const made = await fetch(`${base()}/api/v1/users`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${tokens.root()}` },
    body: JSON.stringify({ username: 'careful', password: PASSWORD, email: 'careful@example.org', role: 2 }),
  });
  expect(made.ok).toBe(true);
  await page.goto(`${base()}/login`);
  await page.getByLabel('Username or email').fill('careful');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();

  await page.goto(`${base()}/my-account/security`);
  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  const secret = (await page.getByTestId('otp-secret').textContent())!.trim();
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await page.getByLabel('The 6-digit code the app shows').fill(totp(secret));
  await page.getByRole('button', { name: 'Turn two-factor authentication on' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Two-factor authentication is on' })).toBeVisible();

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.goto(`${base()}/login`);
  await page.getByLabel('Username or email').fill('careful');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  // The password held; the server asks for a code (401, x-peertube-otp: required; app).
  const code = page.getByLabel('Two-factor code');
  await expect(code).toBeVisible();
  await code.fill('000000');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('Invalid two factor header');
  // The next step's code: the one that turned it on was used already, and is not accepted twice.
  await code.fill(totp(secret, 1));
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
});
