// The watch page's encoding notice (components/EncodingNotice), rendered as the server would
// (so without its polling): who is told what about a video still being encoded.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { EncodingNotice } from './components/EncodingNotice';
import { AppContext, type AppState } from './hooks';
import type { User, VideoDetails } from './types';

const OWNER = 7;
const video = (over: Record<string, unknown>) =>
  ({
    uuid: 'a1b2',
    isLive: false,
    account: { id: OWNER },
    state: { id: 1, label: 'Published' },
    streamingPlaylists: [{ id: 1, playlistUrl: '', files: [{ resolution: { id: 240, label: '240p' } }] }],
    pendingResolutions: [480, 720],
    ...over,
  }) as unknown as VideoDetails;
const as = (accountId: number | null, v: VideoDetails) => {
  const me = accountId === null ? null : ({ account: { id: accountId } } as unknown as User);
  const app: AppState = { config: null, me, reloadMe: async () => undefined, reloadConfig: async () => undefined };
  return renderToStaticMarkup(createElement(AppContext.Provider, { value: app }, createElement(EncodingNotice, { video: v, onPublished: () => undefined })));
};

describe('EncodingNotice', () => {
  it('tells its owner the video is published in what is in so far, and still encoding the rest', () => {
    expect(as(OWNER, video({}))).toBe(
      '<p class="notice" role="status" data-testid="encoding-notice">Published in 240p; still encoding 480p, 720p… The other resolutions are added as they are ready.</p>',
    );
  });

  it('tells no one else, nor anyone once every rendition is in', () => {
    expect(as(OWNER + 1, video({}))).toBe('');
    expect(as(null, video({}))).toBe('');
    expect(as(OWNER, video({ pendingResolutions: [] }))).toBe('');
  });

  it('tells anyone a video waiting for its transcoding may not play properly yet', () => {
    const waiting = video({ state: { id: 2, label: 'To transcode' }, pendingResolutions: [] });
    for (const who of [OWNER, OWNER + 1, null]) expect(as(who, waiting)).toContain('This video is being transcoded: it may not play properly yet.');
  });

  it('says nothing on a live', () => {
    expect(as(OWNER, video({ isLive: true, state: { id: 2, label: '' } }))).toBe('');
  });
});
