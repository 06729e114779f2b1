import { describe, expect, it } from 'vitest';
import { MirrorPicker, mirrorBases } from './mirrors';

const ORIGIN = 'https://b.test/static/streaming-playlists/hls/u-1/ab12-720-fragmented.mp4';
const MIRROR = 'https://a.test/static/redundancy/hls/u-1';
const RANGE = { start: 0, end: 1043 };

describe('mirrorBases', () => {
  it('keeps http(s) base URLs without their trailing slash, and nothing else', () => {
    expect(
      mirrorBases([{ baseUrl: `${MIRROR}/` }, { baseUrl: 'javascript:alert(1)' }, { baseUrl: 3 }, {}]),
    ).toEqual([MIRROR]);
    expect(mirrorBases(undefined)).toEqual([]);
  });
});

describe('MirrorPicker', () => {
  it('fetches from the origin when there is no mirror', () => {
    expect(new MirrorPicker([]).urlFor(ORIGIN, RANGE)).toBe(ORIGIN);
  });

  it('picks the origin or a mirror, which serves the same file name', () => {
    expect(new MirrorPicker([MIRROR], () => 0).urlFor(ORIGIN, RANGE)).toBe(`${MIRROR}/ab12-720-fragmented.mp4`);
    expect(new MirrorPicker([MIRROR], () => 0.99).urlFor(ORIGIN, RANGE)).toBe(ORIGIN);
  });

  it('asks the origin for a segment asked for again after a mirror had it (a failed try)', () => {
    const picker = new MirrorPicker([MIRROR], () => 0);
    expect(picker.urlFor(ORIGIN, RANGE)).toBe(`${MIRROR}/ab12-720-fragmented.mp4`);
    expect(picker.urlFor(ORIGIN, RANGE)).toBe(ORIGIN);
    expect(picker.urlFor(ORIGIN, { start: 1044, end: 2000 })).toBe(`${MIRROR}/ab12-720-fragmented.mp4`);
  });

  it('builds a mirror request with the byte range asked for, and leaves the origin request to the loader', async () => {
    const toMirror = new MirrorPicker([MIRROR], () => 0);
    const signal = new AbortController().signal;
    const request = await toMirror.requestSetup(ORIGIN, RANGE, signal, { start: 10, end: 1043 });
    expect(request?.url).toBe(`${MIRROR}/ab12-720-fragmented.mp4`);
    expect(request?.headers.get('Range')).toBe('bytes=10-1043');
    const toOrigin = new MirrorPicker([MIRROR], () => 0.99);
    expect(await toOrigin.requestSetup(ORIGIN, RANGE, signal, RANGE)).toBeUndefined();
  });
});
