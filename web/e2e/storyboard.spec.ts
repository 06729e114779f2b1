// The storyboard (issue 20): once the shared clip is published the transcoder draws its sprite
// sheet; the watch page's seek bar shows the tile for the time under the pointer.
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { base, sharedVideo, shots } from './helpers';

interface Storyboard {
  storyboardPath: string;
  fileUrl: string;
  totalWidth: number;
  totalHeight: number;
  spriteWidth: number;
  spriteHeight: number;
  spriteDuration: number;
}

test('the seek bar shows the storyboard tile under the pointer, and seeks', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage(); // axe needs a page of a context made by hand
  const uuid = await sharedVideo();
  let board: Storyboard | undefined;
  await expect
    .poll(
      async () => {
        const answer = (await (await fetch(`${base()}/api/v1/videos/${uuid}/storyboards`)).json()) as { storyboards: Storyboard[] };
        board = answer.storyboards[0];
        return board !== undefined;
      },
      { timeout: 60_000, intervals: [1000] },
    )
    .toBe(true);
  // 12 s of 720p: a 192x108 tile a second, twelve tiles on PeerTube's smallest grid (six a row, two rows).
  expect(board).toEqual({
    storyboardPath: expect.stringMatching(/^\/lazy-static\/storyboards\/[^/]+\.jpg$/),
    fileUrl: expect.stringMatching(/^https?:\/\/[^/]+\/lazy-static\/storyboards\/[^/]+\.jpg$/), // PeerTube 7.1+
    totalWidth: 6 * 192,
    totalHeight: 2 * 108,
    spriteWidth: 192,
    spriteHeight: 108,
    spriteDuration: 1,
  });
  const sheet = await fetch(`${base()}${board!.storyboardPath}`);
  expect(sheet.headers.get('content-type')).toBe('image/jpeg');

  await page.goto(`${base()}/w/${uuid}`);
  const bar = page.getByTestId('seekbar');
  await expect(bar).toBeVisible();
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuemax')), { timeout: 20_000 }).toBeGreaterThanOrEqual(11);
  const box = (await bar.boundingBox())!;
  // About three quarters along: a tile of the second row.
  await page.mouse.move(box.x + box.width * 0.78, box.y + box.height / 2);
  const tile = page.getByTestId('storyboard-tile');
  await expect(tile).toBeVisible();
  await page.screenshot({ path: shots('storyboard-hover') });
  const seconds = Number(await tile.getAttribute('data-seconds'));
  const style = await tile.locator('.seekbar__tile').evaluate((el) => {
    const s = getComputedStyle(el);
    return { image: s.backgroundImage, position: s.backgroundPosition, width: s.width, height: s.height };
  });
  expect(style.image).toContain(board!.storyboardPath);
  expect(style.width).toBe('192px');
  expect(style.height).toBe('108px');
  const index = Math.floor(seconds / board!.spriteDuration);
  expect(style.position).toBe(`-${(index % 6) * 192}px -${Math.floor(index / 6) * 108}px`);
  // The sheet itself loaded in the page (not a broken image).
  const loaded = await page.evaluate(async (path) => {
    const image = new Image();
    image.src = path;
    await image.decode();
    return [image.naturalWidth, image.naturalHeight];
  }, board!.storyboardPath);
  expect(loaded).toEqual([6 * 192, 2 * 108]);

  const results = await new AxeBuilder({ page }).include('.seekbar').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
  expect(serious, serious.join('\n')).toEqual([]);

  await page.mouse.move(box.x + box.width / 2, box.y + 200);
  await expect(tile).toBeHidden();

  // A click seeks to the time under the pointer; the arrow keys move by five seconds.
  const time = () => page.evaluate(() => document.querySelector('video')!.currentTime);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect.poll(time).toBeCloseTo(6, 0);
  await bar.focus();
  await page.keyboard.press('ArrowLeft');
  await expect.poll(time).toBeCloseTo(1, 0);
  await expect(bar).toHaveAttribute('aria-valuenow', '1');
  await page.context().close();
});
