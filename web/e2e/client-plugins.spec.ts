// Client plugins (issue 25): the watch-button plugin of plugins/, built as a deployment
// builds it, adds its button under the player of a watched video, with the label its public
// setting holds; a click shows the link to the moment. Another installed plugin's client
// script throws in every hook (tests/plugins/client): the page goes on, and says so in the console.
import { expect, test } from '@playwright/test';
import { base, sharedVideo, tokens } from './helpers';

test('a client plugin adds a button on the watch page, and a throwing one breaks nothing', async ({ page }) => {
  const uuid = await sharedVideo();
  const saved = await fetch(`${base()}/api/v1/plugins/peertube-plugin-watch-button/settings`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${tokens.root()}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ settings: { 'button-label': 'Share this moment' } }),
  });
  expect(saved.status).toBe(204);
  const logged: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') logged.push(message.text());
  });

  await page.goto(`${base()}/w/${uuid}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Shared clip' })).toBeVisible();
  const button = page.locator('#plugin-placeholder-player-next').getByRole('button', { name: 'Share this moment' });
  await expect(button).toBeVisible();
  // The plugin's stylesheet came with /plugins/global.css.
  await expect(button).toHaveCSS('margin-top', '8px');

  await button.click();
  const notice = page.locator('.plugin-notice').filter({ hasText: 'Link to 0:' });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText(`${base()}/w/`);
  await expect(notice).toContainText('?start=');

  // The throwing script's failures were caught and logged, each hook's once.
  await expect.poll(() => logged.filter((text) => text.includes('[plugins] plugin client-demo: hook')).length).toBeGreaterThanOrEqual(2);
  expect(logged.some((text) => text.includes('hook action:video-watch.player.loaded failed'))).toBe(true);
});
