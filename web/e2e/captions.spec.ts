// Captions and chapters in the player: a caption put through PeerTube's API is named in the
// HLS master playlist, hls.js lists it as a subtitle track and shows its cues; the chapters
// are listed under the player and seek.
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { base, sharedVideo, tokens } from './helpers';

const SRT = '1\r\n00:00:00,500 --> 00:00:05,000\r\nBonjour tout le monde\r\n\r\n2\r\n00:00:05,500 --> 00:00:11,000\r\nAu revoir\r\n';

test('hls.js lists the caption added to a video and shows its cues; chapters seek', async ({ browser }) => {
  const page = await (await browser.newContext()).newPage(); // axe needs a page of a context made by hand
  const uuid = await sharedVideo();
  const bearer = { Authorization: `Bearer ${tokens.sharedCreator()}` };
  const form = new FormData();
  form.set('captionfile', new Blob([SRT], { type: 'application/x-subrip' }), 'fr.srt');
  const put = await fetch(`${base()}/api/v1/videos/${uuid}/captions/fr`, { method: 'PUT', headers: bearer, body: form });
  expect(put.status).toBe(204);
  const chapters = { chapters: [{ timecode: 0, title: 'Opening' }, { timecode: 6, title: 'Second half' }] };
  const set = await fetch(`${base()}/api/v1/videos/${uuid}/chapters`, {
    method: 'PUT',
    headers: { ...bearer, 'Content-Type': 'application/json' },
    body: JSON.stringify(chapters),
  });
  expect(set.status).toBe(204);

  await page.goto(`${base()}/w/${uuid}`);
  const captions = page.getByLabel('Captions');
  await expect(captions.locator('option')).toHaveText(['Off', 'French']);
  await captions.selectOption({ label: 'French' });
  await page.evaluate(() => {
    const v = document.querySelector('video')!;
    v.muted = true;
    void v.play();
  });
  // hls.js loaded the caption's playlist and its WebVTT file into a showing text track.
  await expect
    .poll(
      () =>
        page.evaluate(() => {
          const tracks = Array.from(document.querySelector('video')!.textTracks);
          const shown = tracks.find((t) => t.mode === 'showing' && t.language === 'fr');
          return shown?.cues ? Array.from(shown.cues).map((c) => (c as VTTCue).text) : [];
        }),
      { timeout: 20_000 },
    )
    .toContain('Bonjour tout le monde');

  const list = page.getByRole('navigation', { name: 'Chapters' });
  await expect(list.getByRole('button')).toHaveText(['0:00 Opening', '0:06 Second half']);
  await list.getByRole('button', { name: '0:06 Second half' }).click();
  await expect.poll(() => page.evaluate(() => document.querySelector('video')!.currentTime)).toBeGreaterThanOrEqual(6);
  await expect(list.getByRole('button', { name: '0:06 Second half' })).toHaveAttribute('aria-current', 'true');

  // The captions menu and the chapters pass axe.
  const results = await new AxeBuilder({ page }).include('.player').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
  expect(serious, serious.join('\n')).toEqual([]);
  await page.context().close();
});
