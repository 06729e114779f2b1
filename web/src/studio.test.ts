import { describe, expect, it } from 'vitest';
import {
  editedDuration,
  editProgress,
  fieldOfRefusal,
  postToStorage,
  studioEdit,
  type PresignedUpload,
  type StudioChoices,
} from './studio';

const none: StudioChoices = {
  cutStart: null,
  cutEnd: null,
  removed: [],
  intro: null,
  outro: null,
  watermark: null,
  saveAsNewVideo: false,
};

describe('studioEdit', () => {
  it('has no tasks when nothing was chosen, and no cut that keeps everything', () => {
    expect(studioEdit(none, 10)).toEqual({ tasks: [] });
    expect(studioEdit({ ...none, cutStart: 0, cutEnd: 10, saveAsNewVideo: true }, 10)).toEqual({ tasks: [] });
  });

  it('lists the tasks in PeerTube order, each file task naming its posted file', () => {
    const mark = new File(['png'], 'mark.png', { type: 'image/png' });
    const intro = new File(['mp4'], 'intro.mp4', { type: 'video/mp4' });
    const edit = studioEdit(
      {
        ...none,
        cutStart: 2.4,
        removed: [{ start: 1, end: 2 }, { start: 5, end: 4 }],
        watermark: mark,
        intro,
        saveAsNewVideo: true,
      },
      10,
      { 'add-intro': 'u-intro', 'add-watermark': 'u-mark' },
    );
    expect(edit).toEqual({
      tasks: [
        { name: 'cut', options: { start: 2 } },
        { name: 'remove-segments', options: { segments: [{ start: 1, end: 2 }] } },
        { name: 'add-intro', options: { fileUploadId: 'u-intro' } },
        { name: 'add-watermark', options: { fileUploadId: 'u-mark' } },
      ],
      saveAsNewVideo: true,
    });
  });
});

const presigned: PresignedUpload = {
  uploadId: 'abc',
  upload: { url: 'https://uploads.example/bucket', fields: { key: 'work/x/studio-uploads/abc', policy: 'p', 'x-amz-signature': 's' } },
  maxSize: 8 * 1024 * 1024,
  expiresIn: 3600,
};

describe('postToStorage', () => {
  it('posts the presigned fields first, then the file, to the form URL', async () => {
    const calls: Array<[string, RequestInit | undefined]> = [];
    const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push([String(input), init]);
      return new Response(null, { status: 204 });
    }) as typeof fetch;
    await postToStorage(presigned, new File(['png'], 'mark.png'), fetcher);
    expect(calls).toHaveLength(1);
    const [url, init] = calls[0] ?? ['', undefined];
    expect(url).toBe('https://uploads.example/bucket');
    expect(init?.method).toBe('POST');
    const sent = [...(init?.body as FormData).entries()].map(([k, v]) => [k, typeof v === 'string' ? v : `file:${(v as File).name}`]);
    expect(sent).toEqual([
      ['key', 'work/x/studio-uploads/abc'],
      ['policy', 'p'],
      ['x-amz-signature', 's'],
      ['file', 'file:mark.png'],
    ]);
  });

  it('refuses a file over the cap before sending it, and says why storage refused one', async () => {
    let sent = 0;
    const refusing = (async () => {
      sent += 1;
      return new Response('<Error><Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the maximum allowed size</Message></Error>', {
        status: 400,
      });
    }) as typeof fetch;
    const big = new File([new Uint8Array(8 * 1024 * 1024 + 1)], 'big.png');
    await expect(postToStorage(presigned, big, refusing)).rejects.toThrow('larger than the 8 MB allowed');
    expect(sent).toBe(0);
    await expect(postToStorage(presigned, new File(['x'], 'x.png'), refusing)).rejects.toThrow(
      'The storage refused the file: Your proposed upload exceeds the maximum allowed size',
    );
    expect(sent).toBe(1);
  });
});

describe('fieldOfRefusal', () => {
  it("finds the file field an edit's refusal is about", () => {
    expect(fieldOfRefusal('Task add-watermark is invalid: not a PNG, JPEG or WebP picture')).toBe('watermark');
    expect(fieldOfRefusal('Task add-intro is invalid: the uploaded file is not found')).toBe('intro');
    expect(fieldOfRefusal('Task cut is invalid: end is after the video')).toBeNull();
  });
});

describe('editedDuration', () => {
  it('is what the cut keeps less the segments taken out', () => {
    expect(editedDuration(none, 10)).toBe(10);
    expect(editedDuration({ ...none, cutStart: 2 }, 10)).toBe(8);
    expect(editedDuration({ ...none, cutStart: 2, cutEnd: 8, removed: [{ start: 1, end: 2 }] }, 10)).toBe(5);
  });
});

describe('editProgress', () => {
  const file = (id: number) => ({ resolution: { id, label: `${id}p` } });
  const state = (id: 1 | 2 | 9) => ({ id, label: '' });
  const playlist = (ids: number[]) => [{ id: 1, playlistUrl: 'https://cirrus.test/master.m3u8', files: ids.map(file) }];

  it('is editing, then transcoding, until the video is published again', () => {
    expect(editProgress(null)).toEqual({ label: 'Editing…', done: false });
    expect(editProgress({ state: state(9) })).toEqual({ label: 'Editing…', done: false });
    expect(editProgress({ state: state(2) })).toEqual({ label: 'Edited; now transcoding…', done: false });
  });

  it('says published and still encoding, with the renditions in so far, until none is pending', () => {
    const growing = { state: state(1), streamingPlaylists: playlist([240, 144]), pendingResolutions: [360, 480] };
    expect(editProgress(growing)).toEqual({ label: 'Published in 144p, 240p; still encoding 360p, 480p…', done: false });
    // Web videos only: the renditions are the video's files.
    expect(editProgress({ ...growing, streamingPlaylists: [], files: [file(144)] }).label).toBe(
      'Published in 144p; still encoding 360p, 480p…',
    );
    const whole = { ...growing, streamingPlaylists: playlist([480, 360, 240, 144]), pendingResolutions: [] };
    expect(editProgress(whole)).toEqual({ label: 'Done: the edited video is published.', done: true });
  });

  it('is done at publication on a server that does not tell what is pending (PeerTube)', () => {
    expect(editProgress({ state: state(1), streamingPlaylists: playlist([720]) }).done).toBe(true);
  });
});
