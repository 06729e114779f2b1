import Hls from 'hls.js';
import { HlsJsP2PEngine } from 'p2p-media-loader-hlsjs';
import { useEffect, useMemo, useRef, useState } from 'react';
import { LIVE_WINDOWS, liveHlsOptions, liveP2PAllowed, type LiveHlsOptions } from '../live/options';
import { VOD_WINDOWS, coreConfig, iceServers, onCellular, p2pSource, type P2PSource } from '../p2p/config';
import { p2pEnabled, setP2PEnabled } from '../p2p/preference';
import { SegmentValidator, canValidate } from '../p2p/segment-hashes';
import { NO_TRANSFER, TransferTally, describeTransfer, type Transfer } from '../p2p/transfer';
import { METRICS_INTERVAL_MS, PlaybackMeter } from '../playbackMetrics';
import { resumePosition } from '../resume';
import { api } from '../services';
import type { Chapter, Storyboard, VideoDetails } from '../types';
import { SeekBar } from './SeekBar';
import { formatDuration } from '../format';
import { needsFileToken, withFileToken } from '../videoFiles';
import type { PlayerControls } from '../embed/api';

const AUTO = -1;
const HlsWithP2P = HlsJsP2PEngine.injectMixin(Hls);
const ICE_SERVERS = iceServers(import.meta.env.VITE_CIRRUS_STUN_SERVERS as string | undefined);
const TRANSFER_REFRESH_MS = 1000;

/**
 * hls.js, with segments also shared with the video's other viewers (p2p-media-loader over
 * WebRTC, peers met through the instance's tracker) when `p2p` is given: every segment a
 * peer sends is checked against the video's segment hashes first.
 */
function createHls(p2p: P2PSource | null, live: LiveHlsOptions | null, onTransfer: (t: Transfer) => void): { hls: Hls; stop: () => void } {
  const options = { capLevelToPlayerSize: false, ...live };
  if (!p2p) return { hls: new Hls(options), stop: () => undefined };
  const validator = new SegmentValidator(p2p.hashesUrl);
  validator.preload();
  const windows = live ? LIVE_WINDOWS : VOD_WINDOWS;
  const hls = new HlsWithP2P({ ...options, p2p: { core: coreConfig(p2p, validator, ICE_SERVERS, onCellular(), windows) } });
  const tally = new TransferTally();
  const engine = hls.p2pEngine;
  engine.addEventListener('onSegmentLoaded', tally.segmentLoaded);
  engine.addEventListener('onChunkUploaded', tally.chunkUploaded);
  engine.addEventListener('onPeerConnect', tally.peerConnected);
  engine.addEventListener('onPeerClose', tally.peerClosed);
  const timer = window.setInterval(() => onTransfer(tally.current()), TRANSFER_REFRESH_MS);
  return { hls, stop: () => window.clearInterval(timer) };
}

/** The HLS player: hls.js where Media Source Extensions exist, the browser's own HLS elsewhere. */
/** `latencyMode`: a live's (PeerTube's LiveVideoLatencyMode), which sets how far behind it plays. */
/** `onControls`: told of the player's video element and hls.js once they exist (null when they go), for the embed API. */
export function Player({
  video,
  autoPlay = false,
  latencyMode,
  onControls,
}: {
  video: VideoDetails;
  autoPlay?: boolean;
  latencyMode?: number;
  onControls?: (controls: PlayerControls | null) => void;
}) {
  const element = useRef<HTMLVideoElement>(null);
  const controlsListener = useRef(onControls);
  controlsListener.current = onControls;
  const hls = useRef<Hls | null>(null);
  const [levels, setLevels] = useState<{ index: number; height: number }[]>([]);
  // The captions hls.js found in the master playlist's SUBTITLES group.
  const [subtitles, setSubtitles] = useState<{ id: number; name: string; lang: string }[]>([]);
  const [subtitle, setSubtitle] = useState(-1);
  const [chapters, setChapters] = useState<Chapter[]>([]);
  const [storyboard, setStoryboard] = useState<Storyboard | null>(null);
  const [position, setPosition] = useState(0);
  const [length, setLength] = useState(video.duration ?? 0);
  const [choice, setChoice] = useState(AUTO);
  const [playing, setPlaying] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sharing, setSharing] = useState(p2pEnabled);
  const [transfer, setTransfer] = useState<Transfer>(NO_TRANSFER);
  const transferNow = useRef<Transfer>(NO_TRANSFER);
  transferNow.current = transfer;
  // One session per video: its view pings and playback metrics name the same viewer.
  const sessionId = useMemo(() => crypto.randomUUID?.() ?? String(Math.random()).slice(2), [video.id]);
  const meter = useRef(new PlaybackMeter());
  const listed = video.streamingPlaylists?.[0]?.playlistUrl;
  const isLive = video.isLive === true;
  const live = useMemo(() => (isLive ? liveHlsOptions(latencyMode) : null), [isLive, latencyMode]);
  // A private, internal or password-protected video's files need a video file token, which
  // the server then puts into every URI of its playlists (see ../videoFiles.ts).
  const needsToken = needsFileToken(listed);
  const [fileToken, setFileToken] = useState<string | null>(null);
  useEffect(() => {
    setFileToken(null);
    if (!needsToken) return undefined;
    let cancelled = false;
    api
      .videoToken(video.id)
      .then((answer) => !cancelled && setFileToken(answer.files.token))
      .catch(() => !cancelled && setError('The files of this video could not be opened.'));
    return () => {
      cancelled = true;
    };
  }, [needsToken, video.id]);
  const playlist = listed && needsToken ? (fileToken ? withFileToken(listed, fileToken, true) : undefined) : listed;
  const source = useMemo(() => {
    const found = p2pSource(video);
    // The swarm stays the listed URL (the tracker's info hashes derive from it).
    return found && fileToken ? { ...found, hashesUrl: withFileToken(found.hashesUrl, fileToken) } : found;
  }, [video, fileToken]);
  // Peers' segments cannot be checked without Web Crypto (plain-HTTP pages): no P2P there.
  const p2p = sharing && canValidate() && (!isLive || liveP2PAllowed(latencyMode)) ? source : null;

  useEffect(() => {
    const media = element.current;
    if (!media || !playlist) return;
    setError(null);
    if (Hls.isSupported()) {
      setTransfer(NO_TRANSFER);
      const { hls: player, stop } = createHls(p2p, live, setTransfer);
      hls.current = player;
      player.on(Hls.Events.MANIFEST_PARSED, (_e, data) => {
        setLevels(data.levels.map((l, index) => ({ index, height: l.height })).sort((a, b) => b.height - a.height));
      });
      player.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, (_e, data) => {
        setSubtitles(data.subtitleTracks.map((t) => ({ id: t.id, name: t.name, lang: t.lang ?? '' })));
      });
      player.on(Hls.Events.SUBTITLE_TRACK_SWITCH, (_e, data) => setSubtitle(data.id));
      player.on(Hls.Events.LEVEL_SWITCHED, (_e, data) => {
        setPlaying(player.levels[data.level]?.height ?? null);
        meter.current.levelSwitched();
      });
      player.on(Hls.Events.FRAG_LOADED, (_e, data) => meter.current.fragmentLoaded(data.frag.stats.loaded));
      player.on(Hls.Events.ERROR, (_e, data) => {
        meter.current.error();
        if (data.fatal) setError(`The video could not be played (${data.details}).`);
      });
      player.subtitleDisplay = true;
      controlsListener.current?.({ media, hls: player, pickLevel: pick, pickSubtitle });
      player.loadSource(playlist);
      player.attachMedia(media);
      return () => {
        controlsListener.current?.(null);
        stop();
        player.destroy();
        hls.current = null;
        setSubtitles([]);
      };
    }
    if (media.canPlayType('application/vnd.apple.mpegurl')) {
      media.src = playlist;
      controlsListener.current?.({ media, hls: null, pickLevel: () => undefined, pickSubtitle: () => undefined });
      return () => controlsListener.current?.(null);
    }
    setError('This browser cannot play HLS video.');
    return undefined;
  }, [playlist, p2p, live]);

  // Resume where the signed-in user stopped, as PeerTube's player does, unless that was the end.
  const resumeAt = isLive ? undefined : resumePosition(video.userHistory?.currentTime, video.duration);
  useEffect(() => {
    const media = element.current;
    if (!media || resumeAt === undefined) return;
    const seek = () => {
      if (media.currentTime < resumeAt) media.currentTime = resumeAt;
    };
    media.addEventListener('loadedmetadata', seek, { once: true });
    return () => media.removeEventListener('loadedmetadata', seek);
  }, [video.id, resumeAt, playlist]);

  // Count the view as PeerTube's player does: report the position every few seconds while playing.
  useEffect(() => {
    const media = element.current;
    if (!media) return;
    let last = -Infinity;
    const report = () => {
      const now = Date.now();
      if (media.paused || now - last < 5000) return;
      last = now;
      void api.view(video.id, media.currentTime, sessionId).catch(() => undefined);
    };
    // A seek starts a new watched section (and moves the watch history at once), as PeerTube's player tells.
    const seeked = () => {
      last = Date.now();
      void api.view(video.id, media.currentTime, sessionId, 'seek').catch(() => undefined);
    };
    media.addEventListener('timeupdate', report);
    media.addEventListener('seeked', seeked);
    return () => {
      media.removeEventListener('timeupdate', report);
      media.removeEventListener('seeked', seeked);
    };
  }, [video.id, sessionId]);

  // Playback metrics, as PeerTube's player sends them (every 15 s while playing), with the
  // startup time and rebuffering (docs/stats.md).
  useEffect(() => {
    const media = element.current;
    if (!media) return;
    const current = new PlaybackMeter();
    meter.current = current;
    const play = () => current.play(performance.now());
    const playing = () => current.playing(performance.now());
    const waiting = () => current.waiting(performance.now(), media.seeking);
    media.addEventListener('play', play);
    media.addEventListener('playing', playing);
    media.addEventListener('waiting', waiting);
    const timer = window.setInterval(() => {
      if (media.paused) return;
      const tally = transferNow.current;
      const height = hls.current ? (hls.current.levels[hls.current.currentLevel]?.height ?? null) : null;
      const body = current.report(performance.now(), {
        videoId: video.uuid,
        sessionId,
        resolution: height,
        p2pEnabled: tally.connected > 0 || tally.fromPeers > 0,
        fromPeers: tally.fromPeers,
        toPeers: tally.toPeers,
        peers: tally.connected,
      });
      void api.playbackMetrics(video.id, body).catch(() => undefined);
    }, METRICS_INTERVAL_MS);
    return () => {
      window.clearInterval(timer);
      media.removeEventListener('play', play);
      media.removeEventListener('playing', playing);
      media.removeEventListener('waiting', waiting);
    };
  }, [video.id, video.uuid, sessionId]);

  // Chapters (not for a live): a list under the player that seeks, the current one marked.
  useEffect(() => {
    setChapters([]);
    if (isLive) return undefined;
    const controller = new AbortController();
    api
      .chapters(video.id, controller.signal)
      .then((answer) => setChapters(answer.chapters))
      .catch(() => undefined);
    return () => controller.abort();
  }, [video.id, isLive]);

  // The storyboard (not for a live): its tiles over the seek bar below the video.
  useEffect(() => {
    setStoryboard(null);
    if (isLive) return undefined;
    const controller = new AbortController();
    api
      .storyboards(video.id, controller.signal)
      .then((answer) => setStoryboard(answer.storyboards[0] ?? null))
      .catch(() => undefined);
    return () => controller.abort();
  }, [video.id, isLive]);

  const follows = chapters.length > 0 || storyboard !== null;
  useEffect(() => {
    const media = element.current;
    if (!media || !follows) return undefined;
    const moved = () => setPosition(media.currentTime);
    const measured = () => Number.isFinite(media.duration) && setLength(media.duration);
    media.addEventListener('timeupdate', moved);
    media.addEventListener('durationchange', measured);
    return () => {
      media.removeEventListener('timeupdate', moved);
      media.removeEventListener('durationchange', measured);
    };
  }, [follows]);

  const current = chapters.reduce<number>((found, c, index) => (c.timecode <= position ? index : found), -1);

  const seek = (timecode: number) => {
    const media = element.current;
    if (!media) return;
    media.currentTime = timecode;
    setPosition(timecode);
  };

  const pickSubtitle = (id: number) => {
    setSubtitle(id);
    if (hls.current) hls.current.subtitleTrack = id; // -1 hides them
  };

  const pick = (value: number) => {
    setChoice(value);
    if (hls.current) hls.current.currentLevel = value; // -1 is automatic
  };

  const share = (on: boolean) => {
    setP2PEnabled(on);
    setSharing(on);
  };

  if (!playlist && needsToken) {
    return (
      <div className="player player--empty" role={error ? 'alert' : 'status'}>
        {error ?? 'Opening the video…'}
      </div>
    );
  }

  if (!playlist) {
    return (
      <div className="player player--empty" role="status">
        This video is not ready to play yet{video.state ? ` (${video.state.label})` : ''}.
      </div>
    );
  }

  return (
    <div className="player">
      <video
        ref={element}
        className="player__video"
        controls
        playsInline
        autoPlay={autoPlay}
        poster={video.previewPath ?? undefined}
        aria-label={`Video: ${video.name}`}
        data-testid="player"
      />
      {error && (
        <p className="error-box" role="alert">
          {error}
        </p>
      )}
      {storyboard && !isLive && <SeekBar board={storyboard} duration={length} position={position} onSeek={seek} />}
      {levels.length > 0 && (
        <div className="player__quality">
          <label htmlFor="quality">Quality</label>{' '}
          <select id="quality" value={choice} onChange={(e) => pick(Number(e.target.value))}>
            <option value={AUTO}>Auto{choice === AUTO && playing ? ` (${playing}p)` : ''}</option>
            {levels.map((l) => (
              <option key={l.index} value={l.index}>
                {l.height}p
              </option>
            ))}
          </select>
        </div>
      )}
      {subtitles.length > 0 && (
        <div className="player__captions">
          <label htmlFor="captions">Captions</label>{' '}
          <select id="captions" data-testid="captions" value={subtitle} onChange={(e) => pickSubtitle(Number(e.target.value))}>
            <option value={-1}>Off</option>
            {subtitles.map((t) => (
              <option key={t.id} value={t.id} lang={t.lang || undefined}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
      )}
      {chapters.length > 0 && (
        <nav className="player__chapters" aria-label="Chapters">
          <h2 className="player__chapters-title">Chapters</h2>
          <ol data-testid="chapters">
            {chapters.map((c, index) => (
              <li key={c.timecode}>
                <button
                  type="button"
                  className="link-button"
                  aria-current={index === current ? 'true' : undefined}
                  onClick={() => seek(c.timecode)}
                >
                  <span className="player__chapter-time">{formatDuration(c.timecode)}</span> {c.title}
                </button>
              </li>
            ))}
          </ol>
        </nav>
      )}
      {source && (
        <div className="player__p2p">
          <label>
            <input type="checkbox" checked={sharing} onChange={(e) => share(e.target.checked)} /> Share with other viewers (P2P)
          </label>
          <p className="muted" data-testid="p2p-stats" data-from-peers={transfer.fromPeers} data-over-http={transfer.overHttp}>
            {!sharing
              ? 'P2P is off: every segment comes over HTTP.'
              : isLive && !liveP2PAllowed(latencyMode)
                ? 'A small-latency live plays over HTTP only: peers could not share a segment in time.'
                : !p2p
                ? 'P2P needs a secure (HTTPS) page: every segment comes over HTTP.'
                : describeTransfer(transfer)}
          </p>
        </div>
      )}
    </div>
  );
}
