// Appearance (docs/appearance.md): an administrator sets the homepage, the banner and the
// default theme on the Appearance page, and a visitor in a fresh context sees them; axe
// checks the Appearance page and the homepage.
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { base, logIn, ROOT_PASSWORD, tokens } from './helpers';

test.describe.configure({ mode: 'serial' });

// A real PNG: the theme package's own image.
const PNG = readFileSync(new URL('../node_modules/peertube-theme-background-red/public/images/chocobo.png', import.meta.url));

let admin: Page;

test.beforeAll(async ({ browser }) => {
  admin = await (await browser.newContext()).newPage();
  await logIn(admin, 'root', ROOT_PASSWORD);
});

test.afterAll(async () => {
  // Leave the shared instance as it was for the specs that follow.
  const headers = { Authorization: `Bearer ${tokens.root()}`, 'Content-Type': 'application/json' };
  const custom = await (await fetch(`${base()}/api/v1/config/custom`, { headers })).json();
  custom.theme.default = 'default';
  await fetch(`${base()}/api/v1/config/custom`, { method: 'PUT', headers, body: JSON.stringify(custom) });
  await fetch(`${base()}/api/v1/config/instance-banner`, { method: 'DELETE', headers });
  await fetch(`${base()}/api/v1/custom-pages/homepage/instance`, { method: 'PUT', headers, body: JSON.stringify({ content: '' }) });
  await admin.context().close();
});

async function axe(page: Page, name: string) {
  await expect(page.getByText(/^\s*Loading/)).toHaveCount(0);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  expect(results.passes.length, `axe checked nothing on ${name}`).toBeGreaterThan(10);
  const found = results.violations.map((v) => `${name}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`);
  expect(found, found.join('\n')).toEqual([]);
}

async function visitor(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

test('an administrator sets the homepage and the banner, and a visitor sees them', async ({ browser }) => {
  await admin.goto(`${base()}/admin`);
  await admin.getByRole('link', { name: 'Appearance' }).click();
  await expect(admin.getByRole('heading', { level: 1, name: 'Appearance' })).toBeVisible();
  await axe(admin, 'appearance page');

  await admin.getByLabel('Upload a new banner').setInputFiles({ name: 'banner.png', mimeType: 'image/png', buffer: PNG });
  await expect(admin.getByRole('status').filter({ hasText: 'Banner updated.' })).toBeVisible();
  await expect(admin.getByRole('img', { name: 'Current banner' })).toBeVisible();

  await admin.getByLabel('Content of the homepage').fill('# Welcome to the clouds\n\nWe film **cumulus** and <script>window.pwned = 1</script>nothing else.');
  await admin.getByRole('button', { name: 'Save the homepage' }).click();
  await expect(admin.getByRole('status').filter({ hasText: 'Homepage saved.' })).toBeVisible();

  const page = await visitor(browser);
  await page.goto(`${base()}/home`);
  const homepage = page.getByTestId('homepage');
  await expect(homepage.getByRole('heading', { name: 'Welcome to the clouds' })).toBeVisible();
  await expect(homepage.locator('strong')).toHaveText('cumulus');
  expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
  const banner = page.locator('img.instance-banner');
  await expect(banner).toBeVisible();
  expect(await banner.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1920);
  await axe(page, 'homepage');
  await page.context().close();
});

test('an administrator picks the default theme, and a visitor gets its stylesheets and colours', async ({ browser }) => {
  await admin.goto(`${base()}/admin/appearance`);
  await admin.getByLabel('Default theme of the instance').selectOption('background-red');
  await expect(admin.getByRole('status').filter({ hasText: 'Default theme saved.' })).toBeVisible();

  const page = await visitor(browser);
  await page.goto(`${base()}/home`);
  await expect(page.getByTestId('homepage')).toBeVisible();
  const links = page.locator('link[data-pt-theme-css]');
  await expect(links).toHaveCount(2);
  // The package's CSS sets --mainBackgroundColor: red, which the app's colours follow.
  await expect
    .poll(() => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor))
    .toBe('rgb(255, 0, 0)');

  // A signed-in user may choose a theme of their own: the built-in dark one.
  await admin.goto(`${base()}/my-account/settings`);
  await admin.getByLabel('Theme').selectOption('peertube-core-dark-brown');
  await expect(admin.getByRole('status').filter({ hasText: 'Theme saved.' })).toBeVisible();
  await expect(admin.locator('html')).toHaveAttribute('data-pt-theme', 'peertube-core-dark-brown');
  await expect(admin.locator('link[data-pt-theme-css]')).toHaveCount(0);
  await admin.getByLabel('Theme').selectOption('instance-default');
  await expect(admin.locator('link[data-pt-theme-css]')).toHaveCount(2);
  await page.context().close();
});
