import { describe, expect, it } from 'vitest';
import { LIVE_WINDOWS } from '../live/options';
import { VOD_WINDOWS, coreConfig, iceServers, onCellular, p2pSource } from './config';
import { SegmentValidator } from './segment-hashes';
import { p2pEnabled, setP2PEnabled } from './preference';

const PLAYLIST = 'https://cirrus.test/static/streaming-playlists/hls/u-1/ab12-master.m3u8';
const HASHES = 'https://cirrus.test/static/streaming-playlists/hls/u-1/ab12-segments-sha256.json';
const video = (trackerUrls: string[], segmentsSha256Url: string | null = HASHES) => ({
  streamingPlaylists: [{ id: 1, playlistUrl: PLAYLIST, segmentsSha256Url, files: [] }],
  trackerUrls,
});

describe('p2pSource', () => {
  it('uses the master playlist URL as the swarm and only the websocket trackers', () => {
    expect(p2pSource(video(['https://cirrus.test/tracker/announce', 'wss://cirrus.test:443/tracker/socket']))).toEqual({
      swarmId: PLAYLIST,
      trackers: ['wss://cirrus.test:443/tracker/socket'],
      hashesUrl: HASHES,
      mirrors: [],
    });
  });

  it('is null without a websocket tracker, without segment hashes or without a playlist', () => {
    expect(p2pSource(video(['https://cirrus.test/tracker/announce']))).toBeNull();
    expect(p2pSource(video(['ws://127.0.0.1:9000/tracker/socket'], null))).toBeNull();
    expect(p2pSource({ streamingPlaylists: [], trackerUrls: ['ws://127.0.0.1:9000/tracker/socket'] })).toBeNull();
  });
});

describe('iceServers', () => {
  it('is empty by default (host candidates only)', () => {
    expect(iceServers(undefined)).toEqual([]);
    expect(iceServers('')).toEqual([]);
  });

  it('keeps the STUN and TURN URLs of the setting', () => {
    expect(iceServers(' stun:stun.example.org:3478, nonsense ,turns:turn.example.org ')).toEqual([
      { urls: ['stun:stun.example.org:3478', 'turns:turn.example.org'] },
    ]);
  });
});

describe('coreConfig', () => {
  it('announces the swarm to the trackers and validates peer segments', async () => {
    const validator = new SegmentValidator(HASHES, async () => ({}), undefined, 0);
    const source = { swarmId: PLAYLIST, trackers: ['ws://127.0.0.1:9000/tracker/socket'], hashesUrl: HASHES, mirrors: [] };
    const config = coreConfig(source, validator, []);
    expect(config.validateHTTPSegment).toBeUndefined(); // no mirror: HTTP is the origin's alone
    expect(config).toMatchObject({
      swarmId: PLAYLIST,
      announceTrackers: ['ws://127.0.0.1:9000/tracker/socket'],
      rtcConfig: { iceServers: [] },
      isP2PUploadDisabled: false,
    });
    expect(await config.validateP2PSegment!(`${PLAYLIST.replace('master.m3u8', '720-fragmented.mp4')}`, { start: 0, end: 1 }, new ArrayBuffer(2))).toBe(false);
  });

  it('lets the loader ask its own HTTP requests, except a resumed segment with nothing left', async () => {
    const validator = new SegmentValidator(HASHES, async () => ({}), undefined, 0);
    const source = { swarmId: PLAYLIST, trackers: [], hashesUrl: HASHES, mirrors: [] };
    const setup = coreConfig(source, validator, []).httpRequestSetup!;
    const segment = PLAYLIST.replace('master.m3u8', '720-fragmented.mp4');
    const range = { start: 100, end: 199 };
    const signal = new AbortController().signal;
    expect(await setup(segment, range, signal, range)).toBeUndefined();
    expect(await setup(segment, range, signal, { start: 150, end: 199 })).toBeUndefined();
    const lastByte = await setup(segment, range, signal, { start: 200, end: 199 });
    expect(lastByte?.url).toBe(segment);
    expect(lastByte?.headers.get('Range')).toBe('bytes=199-199');
  });

  it('works within PeerTube\'s 15 s of urgency and fetches nothing at random beyond it for a video on demand', () => {
    const validator = new SegmentValidator(HASHES, async () => ({}), undefined, 0);
    const source = { swarmId: PLAYLIST, trackers: [], hashesUrl: HASHES, mirrors: [] };
    expect(coreConfig(source, validator, [])).toMatchObject({ highDemandTimeWindow: 15, httpDownloadTimeWindow: 15 });
    expect(VOD_WINDOWS.httpDownloadTimeWindow).toBeLessThanOrEqual(VOD_WINDOWS.highDemandTimeWindow);
    // A live's viewers watch together: random fetches (to share) reach every listed segment.
    expect(coreConfig(source, validator, [], false, LIVE_WINDOWS)).toMatchObject({ highDemandTimeWindow: 8, httpDownloadTimeWindow: 3000 });
  });

  it('takes HTTP segments from the mirrors too, each checked against the origin hashes', async () => {
    const validator = new SegmentValidator(HASHES, async () => ({}), undefined, 0);
    const mirror = 'https://other.test/static/redundancy/hls/u-1';
    const source = { swarmId: PLAYLIST, trackers: [], hashesUrl: HASHES, mirrors: [mirror] };
    const config = coreConfig(source, validator, []);
    expect(config.httpRequestSetup).toBeDefined();
    const segment = PLAYLIST.replace('master.m3u8', '720-fragmented.mp4');
    expect(await config.validateHTTPSegment!(segment, { start: 0, end: 1 }, new ArrayBuffer(2))).toBe(false);
    expect(p2pSource({ ...video(['wss://cirrus.test/tracker/socket']), streamingPlaylists: [{ id: 1, playlistUrl: PLAYLIST, segmentsSha256Url: HASHES, files: [], redundancies: [{ baseUrl: mirror }] }] })?.mirrors).toEqual([mirror]);
  });

  it('sends nothing to peers on a cellular connection', () => {
    expect(onCellular({ connection: { type: 'cellular' } } as unknown as Navigator)).toBe(true);
    expect(onCellular({ connection: { type: 'wifi' } } as unknown as Navigator)).toBe(false);
    expect(onCellular(undefined)).toBe(false);
  });
});

describe('the P2P preference', () => {
  function memoryStore() {
    const items = new Map<string, string>();
    return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
  }

  it('is on until turned off, and remembered', () => {
    const store = memoryStore();
    expect(p2pEnabled(store)).toBe(true);
    setP2PEnabled(false, store);
    expect(p2pEnabled(store)).toBe(false);
    setP2PEnabled(true, store);
    expect(p2pEnabled(store)).toBe(true);
  });

  it('stays on when storage cannot be read', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(p2pEnabled(broken)).toBe(true);
    expect(() => setP2PEnabled(false, broken)).not.toThrow();
  });
});
