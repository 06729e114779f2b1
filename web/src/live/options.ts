// How the player follows a live, per PeerTube's latency modes (LiveVideoLatencyMode: 1
// default, 2 high, 3 small). The player stays this many segments behind the newest one
// listed; PeerTube's player uses the same counts, and turns P2P off in small-latency mode
// (peers cannot share a segment before the viewer needs it when it plays two segments behind).

import type { LoaderWindows } from '../p2p/config';

export const LATENCY_DEFAULT = 1;
export const LATENCY_HIGH = 2;
export const LATENCY_SMALL = 3;

const DEFAULT_BEHIND = 5;
const SEGMENTS_BEHIND = new Map([
  [LATENCY_DEFAULT, DEFAULT_BEHIND],
  [LATENCY_HIGH, 10],
  [LATENCY_SMALL, 2],
]);

// Beyond PeerTube's player: a viewer who fell behind (joined just before a segment was
// listed, or stalled) plays 10 % faster until back at its distance, so every viewer sits the
// same distance behind the edge instead of up to one segment more (bench/live.py measures it).
export const CATCH_UP_RATE = 1.1;

export interface LiveHlsOptions {
  liveSyncDurationCount: number;
  liveMaxLatencyDurationCount: number;
  maxLiveSyncPlaybackRate: number;
}

/** hls.js's live options for a latency mode (an unknown mode is the default one). */
export function liveHlsOptions(latencyMode: number | undefined): LiveHlsOptions {
  const behind = SEGMENTS_BEHIND.get(latencyMode ?? LATENCY_DEFAULT) ?? DEFAULT_BEHIND;
  // Past twice the wanted distance, hls.js jumps forward rather than staying late for good.
  return { liveSyncDurationCount: behind, liveMaxLatencyDurationCount: 2 * behind, maxLiveSyncPlaybackRate: CATCH_UP_RATE };
}

// A live's segments (4 s outside small-latency mode) are listed about 16 s ahead of a player
// 5 segments behind: with PeerTube's video-on-demand window (HTTP for whatever is due within
// 15 s) a segment would wait for peers one second, and every viewer fetched it over HTTP at
// once. Two segments of urgency leave peers the rest: the first viewer to fetch a segment
// (p2p-media-loader picks one at random) hands it to the others.
export const LIVE_HIGH_DEMAND_SECONDS = 8;

// A live's viewers all play the same distance behind the edge (above): they are viewers who
// watch together, so random HTTP fetches (by one viewer, to share) reach every segment listed
// (the library's default, 3000 s), unlike a video on demand's (p2p/config.ts VOD_WINDOWS).
export const LIVE_WINDOWS: LoaderWindows = { highDemandTimeWindow: LIVE_HIGH_DEMAND_SECONDS, httpDownloadTimeWindow: 3000 };

/** Whether segments may come from peers for a live in this mode. */
export function liveP2PAllowed(latencyMode: number | undefined): boolean {
  return latencyMode !== LATENCY_SMALL;
}
