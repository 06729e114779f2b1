// What the player needs to share a video's segments: where its swarm meets, how to check
// what peers send, and p2p-media-loader's settings (PeerTube's for videos on demand).
import type { CoreConfig } from 'p2p-media-loader-core';
import type { VideoDetails } from '../types';
import { MirrorPicker, mirrorBases } from './mirrors';
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

export function coreConfig(
  source: P2PSource,
  validator: SegmentValidator,
  ice: RTCIceServer[],
  uploadDisabled = false,
  highDemandTimeWindow = 15,
  picker: MirrorPicker = new MirrorPicker(source.mirrors),
): CoreConfig {
  // With mirrors, an HTTP segment may come from another instance: it is checked against the
  // origin's hashes as a peer's is, and a failed one is asked for again from the origin.
  const mirrored = picker.hasMirrors
    ? {
        httpRequestSetup: picker.requestSetup,
        validateHTTPSegment: (url: string, byteRange: { start: number; end: number } | undefined, data: ArrayBuffer) =>
          validator.validate(url, byteRange, data),
      }
    : {};
  return {
    ...mirrored,
    swarmId: source.swarmId,
    announceTrackers: source.trackers,
    rtcConfig: { iceServers: ice },
    validateP2PSegment: (url, byteRange, data) => validator.validate(url, byteRange, data),
    isP2PUploadDisabled: uploadDisabled,
    // PeerTube's video-on-demand settings: segments due within 15 s come over HTTP, later
    // ones from peers when a peer has them; at most 1 GiB of segments kept to share. A live
    // passes a shorter window (live/options.ts).
    highDemandTimeWindow,
    segmentMemoryStorageLimit: 1024,
  };
}
