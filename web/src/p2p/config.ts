// What the player needs to share a video's segments: where its swarm meets, how to check
// what peers send, and p2p-media-loader's settings (PeerTube's for videos on demand).
import type { CoreConfig } from 'p2p-media-loader-core';
import type { VideoDetails } from '../types';
import { MirrorPicker, mirrorBases } from './mirrors';
import { rangeHeader, resumeRange } from './resume';
import type { SegmentValidator } from './segment-hashes';

export interface P2PSource {
  /** The master playlist URL exactly as the API lists it: the tracker's info hashes derive from it. */
  swarmId: string;
  /** The websocket trackers (`ws://`, `wss://`) of `trackerUrls`; the HTTP one is for torrent clients. */
  trackers: string[];
  hashesUrl: string;
  /** Base URLs of the video's mirrors on other instances: extra HTTP sources of its segments. */
  mirrors: string[];
}

/** The video's P2P source, or null when it has none: no websocket tracker, or no segment
 * hashes to check peers' segments against (PeerTube also plays such videos over HTTP only). */
export function p2pSource(video: Pick<VideoDetails, 'streamingPlaylists' | 'trackerUrls'>): P2PSource | null {
  const playlist = video.streamingPlaylists?.[0];
  const trackers = (video.trackerUrls ?? []).filter((url) => /^wss?:\/\//i.test(url));
  if (!playlist?.playlistUrl || !playlist.segmentsSha256Url || trackers.length === 0) return null;
  return {
    swarmId: playlist.playlistUrl,
    trackers,
    hashesUrl: playlist.segmentsSha256Url,
    mirrors: mirrorBases(playlist.redundancies),
  };
}

/**
 * ICE servers from the build's `VITE_CIRRUS_STUN_SERVERS` (comma-separated `stun:` URLs).
 * None by default: peers then offer host candidates only, which is enough on one machine or
 * one network; an instance whose viewers sit behind different NATs sets its STUN servers.
 */
export function iceServers(setting: string | undefined): RTCIceServer[] {
  const urls = (setting ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter((url) => /^(stun|turn)s?:/i.test(url));
  return urls.length ? [{ urls }] : [];
}

/** A cellular connection downloads from peers but sends nothing (PeerTube does the same). */
export function onCellular(nav: Navigator | undefined = typeof navigator === 'undefined' ? undefined : navigator): boolean {
  const connection = (nav as (Navigator & { connection?: { type?: string } }) | undefined)?.connection;
  return connection?.type === 'cellular';
}

/**
 * How far ahead of the playhead p2p-media-loader works (seconds): segments due within
 * `highDemandTimeWindow` come over HTTP (from a peer only when HTTP is busy); a viewer with
 * peers also fetches over HTTP, at random, segments due within `httpDownloadTimeWindow` that
 * no peer has or is fetching, to share them; later segments come from peers when one has them.
 */
export interface LoaderWindows {
  highDemandTimeWindow: number;
  httpDownloadTimeWindow: number;
}

/**
 * A video on demand's windows (bench/p2p.py measures them; docs/performance.md).
 *
 * - 15 s of urgency: PeerTube's setting. With no peer connected the loader fetches nothing
 *   beyond it, so it is also how far ahead a lone viewer buffers: PeerTube's margin against
 *   a slow connection is kept. It is also what a late viewer fetches over HTTP as it starts
 *   (before its peers can send): the floor of its HTTP bytes, 15 s of a 60 s video.
 * - No random HTTP fetches beyond it, where the library's default (3000 s) reaches the end
 *   of any video. A viewer behind another found the segments beyond its peer's urgent window
 *   on no peer yet and fetched them over HTTP at random, segments that peer fetched anyway
 *   moments later and would have handed it: P2P bytes came on top of HTTP bytes, not instead
 *   (even a window of 20 s, one segment more, let a late viewer 6 s behind fetch one). For a
 *   video on demand the viewer ahead fetches each segment as it becomes urgent and tells its
 *   peers at once; a viewer behind gets it from that peer unless the segment becomes urgent
 *   for itself before the peer's fetch ends.
 */
export const VOD_WINDOWS: LoaderWindows = { highDemandTimeWindow: 15, httpDownloadTimeWindow: 15 };

export function coreConfig(
  source: P2PSource,
  validator: SegmentValidator,
  ice: RTCIceServer[],
  uploadDisabled = false,
  windows: LoaderWindows = VOD_WINDOWS,
  picker: MirrorPicker = new MirrorPicker(source.mirrors),
): CoreConfig {
  // With mirrors, an HTTP segment may come from another instance: it is checked against the
  // origin's hashes as a peer's is, and a failed one is asked for again from the origin.
  const mirrored = picker.hasMirrors
    ? {
        validateHTTPSegment: (url: string, byteRange: { start: number; end: number } | undefined, data: ArrayBuffer) =>
          validator.validate(url, byteRange, data),
      }
    : {};
  return {
    ...mirrored,
    httpRequestSetup: async (url, segmentRange, signal, requested) => {
      const range = resumeRange(segmentRange, requested) ?? requested;
      const mirror = picker.hasMirrors ? await picker.requestSetup(url, segmentRange, signal, range) : undefined;
      if (mirror || range === requested) return mirror;
      return new Request(url, { headers: { Range: rangeHeader(range!) }, signal });
    },
    swarmId: source.swarmId,
    announceTrackers: source.trackers,
    rtcConfig: { iceServers: ice },
    validateP2PSegment: (url, byteRange, data) => validator.validate(url, byteRange, data),
    isP2PUploadDisabled: uploadDisabled,
    ...windows,
    // PeerTube's: at most 1 GiB of segments kept to share.
    segmentMemoryStorageLimit: 1024,
  };
}
