import { describe, expect, it } from 'vitest';
import { needsFileToken, withFileToken } from './videoFiles';

describe('video file tokens', () => {
  it('recognises the private HLS path only', () => {
    expect(needsFileToken('https://tube.example/static/streaming-playlists/hls/private/abc/x-master.m3u8')).toBe(true);
    expect(needsFileToken('https://tube.example/static/streaming-playlists/hls/abc/x-master.m3u8')).toBe(false);
    expect(needsFileToken('https://tube.example/videos/static/streaming-playlists/hls/private/x')).toBe(false);
    expect(needsFileToken(undefined)).toBe(false);
  });

  it('appends the token, and asks playlists to carry it into their URIs', () => {
    expect(withFileToken('https://t.example/a/m.m3u8', 'a b+c', true)).toBe(
      'https://t.example/a/m.m3u8?videoFileToken=a%20b%2Bc&reinjectVideoFileToken=true',
    );
    expect(withFileToken('https://t.example/a/h.json?x=1', 'tok')).toBe('https://t.example/a/h.json?x=1&videoFileToken=tok');
  });
});
