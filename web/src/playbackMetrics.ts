// The player's playback metrics (PeerTube's POST /api/v1/metrics/playback), as PeerTube's
// player sends them: every playbackStatsInterval while playing, what happened since the
// previous report. Beyond PeerTube (docs/stats.md), as Mux measures them: the startup time
// (play asked to the first frame, in the first report only) and rebuffering (stalls after
// playback began, not seeks, and how long they lasted).

/** PeerTube's default openTelemetry.metrics.playbackStatsInterval. */
export const METRICS_INTERVAL_MS = 15000;

export interface PlaybackReport {
  playerMode: 'p2p-media-loader' | 'web-video';
  resolution?: number;
  fps?: number;
  p2pEnabled: boolean;
  p2pPeers?: number;
  resolutionChanges: number;
  errors: number;
  downloadedBytesP2P: number;
  downloadedBytesHTTP: number;
  uploadedBytesP2P: number;
  videoId: number | string;
  sessionId: string;
  startupTime?: number;
  rebufferingCount: number;
  rebufferingDuration: number;
}

/** What the player knows when a report is due. */
export interface PlayerState {
  videoId: number | string;
  sessionId: string;
  resolution: number | null;
  p2pEnabled: boolean;
  /** Running totals of p2p-media-loader's tally (zeros without P2P). */
  fromPeers: number;
  toPeers: number;
  peers: number;
}

export class PlaybackMeter {
  private playAskedAt: number | null = null;
  private startup: number | null = null;
  private startupReported = false;
  private stalledAt: number | null = null;
  private rebufferings = 0;
  private rebufferingMs = 0;
  private errors = 0;
  private resolutionChanges = 0;
  private levelsSeen = 0;
  private bytesLoaded = 0;
  private reportedFromPeers = 0;
  private reportedToPeers = 0;

  /** The viewer pressed play (or autoplay began). */
  play(now: number): void {
    if (this.startup === null && this.playAskedAt === null) this.playAskedAt = now;
  }

  /** Frames are moving: the first time ends startup, later ones end a stall. */
  playing(now: number): void {
    if (this.startup === null && this.playAskedAt !== null) this.startup = Math.max(now - this.playAskedAt, 0);
    if (this.stalledAt !== null) {
      this.rebufferingMs += Math.max(now - this.stalledAt, 0);
      this.stalledAt = null;
    }
  }

  /** The player waits for data; while seeking that is no rebuffering. */
  waiting(now: number, seeking: boolean): void {
    if (this.startup === null || seeking || this.stalledAt !== null) return;
    this.rebufferings += 1;
    this.stalledAt = now;
  }

  /** hls.js switched level: the first is the initial choice, not a change (as PeerTube). */
  levelSwitched(): void {
    this.levelsSeen += 1;
    if (this.levelsSeen > 1) this.resolutionChanges += 1;
  }

  error(): void {
    this.errors += 1;
  }

  fragmentLoaded(bytes: number): void {
    this.bytesLoaded += Math.max(bytes, 0);
  }

  /** The report due now, and the counters start again. */
  report(now: number, state: PlayerState): PlaybackReport {
    if (this.stalledAt !== null) {
      // A stall still going on: its time so far is this report's, the rest the next one's.
      this.rebufferingMs += Math.max(now - this.stalledAt, 0);
      this.stalledAt = now;
    }
    const fromPeers = Math.max(state.fromPeers - this.reportedFromPeers, 0);
    const toPeers = Math.max(state.toPeers - this.reportedToPeers, 0);
    const report: PlaybackReport = {
      playerMode: 'p2p-media-loader',
      ...(state.resolution ? { resolution: state.resolution } : {}),
      p2pEnabled: state.p2pEnabled,
      ...(state.p2pEnabled ? { p2pPeers: state.peers } : {}),
      resolutionChanges: this.resolutionChanges,
      errors: this.errors,
      downloadedBytesP2P: fromPeers,
      downloadedBytesHTTP: Math.max(this.bytesLoaded - fromPeers, 0),
      uploadedBytesP2P: toPeers,
      videoId: state.videoId,
      sessionId: state.sessionId,
      ...(this.startup !== null && !this.startupReported ? { startupTime: Math.round(this.startup) } : {}),
      rebufferingCount: this.rebufferings,
      rebufferingDuration: Math.round(this.rebufferingMs),
    };
    if (this.startup !== null) this.startupReported = true;
    this.reportedFromPeers = state.fromPeers;
    this.reportedToPeers = state.toPeers;
    this.resolutionChanges = 0;
    this.errors = 0;
    this.bytesLoaded = 0;
    this.rebufferings = 0;
    this.rebufferingMs = 0;
    return report;
  }
}
