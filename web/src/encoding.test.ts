import { describe, expect, it } from 'vitest';
import { encoding, follow, stillEncodingLabel, type EncodedVideo } from './encoding';

const file = (id: number) => ({ resolution: { id, label: `${id}p` } });
type StateId = NonNullable<EncodedVideo['state']>['id'];
const state = (id: number) => ({ id: id as StateId, label: '' });
const playlist = (ids: number[]) => [{ id: 1, playlistUrl: 'https://cirrus.test/master.m3u8', files: ids.map(file) }];

describe('encoding', () => {
  it('is neither published nor done before publication, whatever is listed', () => {
    for (const video of [null, { state: state(2) }, { state: state(9), pendingResolutions: [720] }]) {
      expect(encoding(video)).toEqual({ published: false, done: false, failed: false, inSoFar: [], pending: [] });
    }
  });

  it('names the renditions in so far and those pending, lowest first, until none is pending', () => {
    const growing = { state: state(1), streamingPlaylists: playlist([240, 144]), pendingResolutions: [480, 360] };
    expect(encoding(growing)).toEqual({ published: true, done: false, failed: false, inSoFar: [144, 240], pending: [360, 480] });
    expect(stillEncodingLabel(encoding(growing))).toBe('Published in 144p, 240p; still encoding 360p, 480p…');
    // Web videos only: the renditions are the video's files.
    expect(encoding({ ...growing, streamingPlaylists: [], files: [file(144)] }).inSoFar).toEqual([144]);
    const whole = { ...growing, streamingPlaylists: playlist([480, 360, 240, 144]), pendingResolutions: [] };
    expect(encoding(whole)).toMatchObject({ published: true, done: true, pending: [] });
  });

  it('says "published" alone while no rendition is listed yet', () => {
    expect(stillEncodingLabel(encoding({ state: state(1), pendingResolutions: [720] }))).toBe('Published; still encoding 720p…');
  });

  it('is done at publication on a server that does not tell what is pending (PeerTube)', () => {
    expect(encoding({ state: state(1), streamingPlaylists: playlist([720]) }).done).toBe(true);
  });

  it('knows the failed states', () => {
    for (const id of [7, 8, 11]) expect(encoding({ state: state(id) }).failed).toBe(true);
    for (const id of [1, 2, 4, 9]) expect(encoding({ state: state(id) }).failed).toBe(false);
  });
});

describe('follow', () => {
  const noWait = async () => undefined;

  it('reads until settled, telling each read and each failure, and tries again after a failure', async () => {
    const answers: Array<number | Error> = [1, new Error('offline'), 2, 3, 4];
    const seen: Array<[number | null, string | null]> = [];
    const waits: number[] = [];
    await follow(
      async () => {
        const next = answers.shift()!;
        if (next instanceof Error) throw next;
        return next;
      },
      (n) => n >= 3,
      (n, error) => seen.push([n, error]),
      new AbortController().signal,
      1500,
      async (ms) => {
        waits.push(ms);
      },
    );
    expect(seen).toEqual([
      [1, null],
      [null, 'offline'],
      [2, null],
      [3, null],
    ]);
    expect(waits).toEqual([1500, 1500, 1500]);
    expect(answers).toEqual([4]);
  });

  it('stops, telling nothing more, once aborted (the page went)', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    let reads = 0;
    await follow(
      async () => {
        reads += 1;
        if (reads === 2) controller.abort();
        return reads;
      },
      () => false,
      (n) => seen.push(n!),
      controller.signal,
      10,
      noWait,
    );
    expect(reads).toBe(2);
    expect(seen).toEqual([1]);
  });
});
