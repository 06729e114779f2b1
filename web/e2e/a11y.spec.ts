// Accessibility (axe), keyboard focus and phone width on the main pages (issue 6).
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { base, logIn, ROOT_PASSWORD, sharedVideo, shots } from './helpers';

test.describe.configure({ mode: 'serial' });

let page: Page;
let pages: Record<string, string>;

test.beforeAll(async ({ browser }) => {
  page = await (await browser.newContext()).newPage(); // axe needs a page of a context made by hand
  await logIn(page, 'root', ROOT_PASSWORD);
  const uuid = await sharedVideo();
  pages = {
    home: '/',
    watch: `/w/${uuid}`,
    channel: '/c/root_channel',
    upload: '/upload',
    goLive: '/go-live',
    library: '/my-library',
    history: '/my-library/history/videos',
    search: '/search?search=Shared',
    // The Administration area, every page of it (pages/admin/).
    admin: '/admin/users',
    adminNewUser: '/admin/users/new',
    adminEditUser: '/admin/users/1',
    adminRegistrations: '/admin/registrations',
    adminComments: '/admin/comments',
    adminAbuses: '/admin/abuses',
    adminVideoBlocks: '/admin/video-blocks',
    adminBlocklist: '/admin/blocklist',
    adminWatchedWords: '/admin/watched-words',
    adminFollows: '/admin/follows',
    adminRedundancy: '/admin/redundancy',
    adminSettings: '/admin/settings',
    adminPlugins: '/admin/plugins',
    adminJobs: '/admin/jobs',
    notifications: '/my-account/notifications',
    notificationSettings: '/my-account/notifications/settings',
    security: '/my-account/security',
    moderation: '/my-account/moderation',
  };
});

test.afterAll(async () => page.context().close());

/** Wait until the page has left its loading state. */
async function settled(path: string) {
  await page.goto(`${base()}${path}`);
  await expect(page.locator('main h1').first()).toBeVisible();
  await expect(page.getByText(/^\s*Loading/)).toHaveCount(0);
}

test('axe finds no serious or critical violation', async () => {
  const found: string[] = [];
  for (const [name, path] of Object.entries(pages)) {
    await settled(path);
    const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
    expect(results.passes.length, `axe checked nothing on ${name}`).toBeGreaterThan(10);
    for (const v of results.violations) {
      const line = `${name}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`;
      // The administration's pages (issue 23) are held to no violation at all.
      if (v.impact === 'serious' || v.impact === 'critical' || name.startsWith('admin')) found.push(line);
      else test.info().annotations.push({ type: 'minor accessibility issue', description: line });
    }
  }
  expect(found, found.join('\n')).toEqual([]);
});

test('every control of the header and the watch page is reached with Tab and shows its focus', async () => {
  await settled(pages.watch!);
  await page.locator('body').focus();
  const seen: string[] = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      // Tab walks through a <video>'s native controls, inside its own shadow tree: the
      // browser draws their focus ring, and the page sees only the <video> as focused.
      const native = el.tagName === 'VIDEO' && (el as HTMLVideoElement).controls;
      const visible = native || (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
      const name = el.getAttribute('aria-label') || el.textContent?.trim().slice(0, 30) || el.getAttribute('id') || el.tagName;
      return { name: `${el.tagName.toLowerCase()} ${name}`, visible };
    });
    if (!focused) continue;
    expect(focused.visible, `no visible focus on ${focused.name}`).toBe(true);
    seen.push(focused.name);
  }
  const names = seen.join(' / ');
  for (const wanted of ['Skip to content', 'search-input', 'Upload', 'My library', 'Administration', 'Log out', 'Like', 'Subscribe', 'Share']) {
    expect(names, names).toContain(wanted);
  }
});

test('nothing is wider than a 375 px phone', async () => {
  await page.setViewportSize({ width: 375, height: 740 });
  for (const [name, path] of Object.entries(pages)) {
    await settled(path);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, `${name} is ${width} px wide`).toBeLessThanOrEqual(375);
    if (name === 'watch' || name === 'admin') await page.screenshot({ path: shots(`${name}-phone`), fullPage: true });
  }
});
