import { describe, expect, it } from 'vitest';
import { SegmentValidator, segmentKey, sha256Hex } from './segment-hashes';

// 3000 bytes of one fragmented MP4 and its hash file as Cirrus's transcoder writes it: the
// hashes were made by the server's own code (chalicelib.media.hls.segment_hashes, over
// ByteRanges 0+1000, 1000+1500, 2500+500 of these bytes), so these tests hold the two
// implementations to one layout.
const media = Uint8Array.from({ length: 3000 }, (_, i) => (i * 31 + 7) % 256);
const FILE = '3b1c-144-fragmented.mp4';
const HASHES = {
  [FILE]: {
    '0-999': '5097e7d587352f5097062ae679f37bda5802d9f875aba14c8cb4d1a188ada179',
    '1000-2499': 'b2c84b95675645a36145b74534259114bf50aa9011c4fd39a9239343f8657cfe',
    '2500-2999': '112c08fec5cc2a09d82068c99883b449c7b6eecbdcd4225d4d7a65c10052aa5a',
  },
};
const BASE = 'https://cirrus.test/static/streaming-playlists/hls/0b6c6a0e-6a43-4f53-b2a1-5d0c36f4a8e1';
const SEGMENT_URL = `${BASE}/${FILE}`;
const HASHES_URL = `${BASE}/3b1c-segments-sha256.json`;

/** The bytes of an inclusive range, as their own buffer (what a peer sends). */
const bytes = (start: number, end: number) => media.slice(start, end + 1).buffer;

function served(...answers: unknown[]) {
  const asked: string[] = [];
  const load = async (url: string) => {
    asked.push(url);
    const answer = answers.length > 1 ? answers.shift() : answers[0];
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { asked, load };
}

describe('sha256Hex', () => {
  it('gives the FIPS 180-2 digest of "abc"', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc').buffer)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('segmentKey', () => {
  it('keys a byte range by the file name and its inclusive range', () => {
    expect(segmentKey(`${SEGMENT_URL}?token=x`, { start: 1000, end: 2499 })).toEqual({ file: FILE, range: '1000-2499' });
  });

  it('keys a whole segment (live) by its file name alone', () => {
    expect(segmentKey('https://cirrus.test/live/0-000042.ts')).toEqual({ file: '0-000042.ts' });
  });
});

describe('SegmentValidator', () => {
  it('fetches the hashes on preload, before any peer sends, and not again to check', async () => {
    const server = served(HASHES);
    const validator = new SegmentValidator(HASHES_URL, server.load);
    validator.preload();
    expect(server.asked).toEqual([HASHES_URL]);
    expect(await validator.validate(SEGMENT_URL, { start: 0, end: 999 }, bytes(0, 999))).toBe(true);
    expect(server.asked).toEqual([HASHES_URL]);
  });

  it('accepts every segment whose bytes the origin hashed, fetching the hashes once', async () => {
    const server = served(HASHES);
    const validator = new SegmentValidator(HASHES_URL, server.load);
    expect(await validator.validate(SEGMENT_URL, { start: 0, end: 999 }, bytes(0, 999))).toBe(true);
    expect(await validator.validate(SEGMENT_URL, { start: 1000, end: 2499 }, bytes(1000, 2499))).toBe(true);
    expect(await validator.validate(SEGMENT_URL, { start: 2500, end: 2999 }, bytes(2500, 2999))).toBe(true);
    expect(server.asked).toEqual([HASHES_URL]);
  });

  it('rejects a segment with one byte changed', async () => {
    const validator = new SegmentValidator(HASHES_URL, served(HASHES).load);
    const tampered = new Uint8Array(bytes(1000, 2499));
    tampered[700] = tampered[700]! ^ 0x01;
    expect(await validator.validate(SEGMENT_URL, { start: 1000, end: 2499 }, tampered.buffer)).toBe(false);
  });

  it('rejects the right bytes under another range, and a range shifted by one byte', async () => {
    const validator = new SegmentValidator(HASHES_URL, served(HASHES).load);
    expect(await validator.validate(SEGMENT_URL, { start: 2500, end: 2999 }, bytes(0, 999))).toBe(false);
    expect(await validator.validate(SEGMENT_URL, { start: 0, end: 1000 }, bytes(0, 1000))).toBe(false);
  });

  it('rejects a segment of a file the hashes do not list, after refetching them a bounded number of times', async () => {
    const server = served(HASHES);
    const validator = new SegmentValidator(HASHES_URL, server.load, undefined, 2);
    const other = `${BASE}/3b1c-720-fragmented.mp4`;
    expect(await validator.validate(other, { start: 0, end: 999 }, bytes(0, 999))).toBe(false);
    expect(await validator.validate(other, { start: 0, end: 999 }, bytes(0, 999))).toBe(false);
    expect(await validator.validate(other, { start: 0, end: 999 }, bytes(0, 999))).toBe(false);
    expect(server.asked).toHaveLength(3);
  });

  it('finds a segment the refetched hashes list (a live stream growing)', async () => {
    const server = served({}, HASHES);
    const validator = new SegmentValidator(HASHES_URL, server.load);
    expect(await validator.validate(SEGMENT_URL, { start: 0, end: 999 }, bytes(0, 999))).toBe(true);
    expect(server.asked).toHaveLength(2);
  });

  it('checks flat (live) hash files by file name', async () => {
    const whole = bytes(0, 2999);
    const validator = new SegmentValidator(HASHES_URL, served({ '0-000001.ts': await sha256Hex(whole) }).load);
    expect(await validator.validate('https://cirrus.test/live/0-000001.ts', undefined, whole)).toBe(true);
    expect(await validator.validate('https://cirrus.test/live/0-000001.ts', undefined, bytes(0, 999))).toBe(false);
  });

  it('trusts no peer while the hashes cannot be read, and asks again for the next segment', async () => {
    const server = served(new Error('offline'), 'not a hash file', HASHES);
    const validator = new SegmentValidator(HASHES_URL, server.load, undefined, 0);
    expect(await validator.validate(SEGMENT_URL, { start: 0, end: 999 }, bytes(0, 999))).toBe(false);
    expect(await validator.validate(SEGMENT_URL, { start: 0, end: 999 }, bytes(0, 999))).toBe(false);
    expect(await validator.validate(SEGMENT_URL, { start: 0, end: 999 }, bytes(0, 999))).toBe(true);
    expect(server.asked).toHaveLength(3);
  });

  it('finds nothing under names inherited from Object', async () => {
    const validator = new SegmentValidator(HASHES_URL, served(HASHES).load, undefined, 0);
    expect(await validator.validate(`${BASE}/constructor`, undefined, bytes(0, 9))).toBe(false);
    expect(await validator.validate(SEGMENT_URL.replace(FILE, '__proto__'), { start: 0, end: 9 }, bytes(0, 9))).toBe(false);
  });
});
