/**
 * The embed API: what `@peertube/embed-api` (PeerTubePlayer) may ask of `/videos/embed/{id}?api=1`
 * and the events it listens to, as PeerTube's embed answers them
 * (client/src/standalone/videos/embed-api.ts): methods over the message channel (./channel.ts),
 * a `ready` notification once the player exists, `playbackStatusUpdate` every half second,
 * `playbackStatusChange` on play, pause and end, `resolutionUpdate` when the resolutions or the
 * one playing change, `volumeChange` when the volume does.
 */
import Hls from 'hls.js';
import { openChannel, type Channel } from './channel';

/** What the player lends the API: its video element, its hls.js, and its own menus' actions. */
export interface PlayerControls {
  media: HTMLVideoElement;
  hls: Hls | null;
  /** An HLS level by index, -1 for automatic (the quality menu's choice). */
  pickLevel(index: number): void;
  /** A subtitle track by hls.js id, -1 for none (the captions menu's choice). */
  pickSubtitle(id: number): void;
}

export interface Resolution {
  id: number;
  label: string;
  active: boolean;
  height: number;
  width?: number;
}

export interface Caption {
  id: string;
  label: string;
  src: string;
  mode: 'showing' | 'disabled';
}

export type PlaybackState = 'unstarted' | 'playing' | 'paused' | 'ended';

/** PeerTube's player's playback rates. */
export const PLAYBACK_RATES = [0.5, 0.75, 1, 1.25, 1.5, 2];
export const STATUS_EVERY_MS = 500;
export const AUTO_RESOLUTION = -1;

/** The resolutions as PeerTube's HLS player lists them: each level, highest first, then Auto. */
export function resolutionsOf(hls: Pick<Hls, 'levels' | 'autoLevelEnabled' | 'currentLevel'> | null): Resolution[] {
  if (!hls || hls.levels.length === 0) return [];
  const auto = hls.autoLevelEnabled;
  const levels = hls.levels
    .map((level, index) => ({
      id: index,
      label: `${level.height}p`,
      active: !auto && hls.currentLevel === index,
      height: level.height,
      width: level.width,
    }))
    .sort((a, b) => b.height - a.height);
  return [...levels, { id: AUTO_RESOLUTION, label: 'Auto', active: auto, height: 0 }];
}

export function captionsOf(hls: Pick<Hls, 'subtitleTracks' | 'subtitleTrack'> | null): Caption[] {
  if (!hls) return [];
  return hls.subtitleTracks.map((track) => ({
    id: String(track.id),
    label: track.name,
    src: track.url,
    mode: hls.subtitleTrack === track.id ? 'showing' : 'disabled',
  }));
}

function finiteNumber(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new TypeError(`${what} must be a number`);
  return value;
}

export class EmbedApi {
  private controls: PlayerControls | null = null;
  private readonly channel: Channel;
  private state: PlaybackState = 'unstarted';
  private announced = false;
  private release: () => void = () => undefined;

  /** `onPassword`: the host gave the password of a password-protected video (setVideoPassword). */
  constructor(
    peer: Window,
    scope?: string,
    private readonly onPassword: (password: string) => void = () => undefined,
  ) {
    this.channel = openChannel({ peer, scope, methods: this.methods() });
  }

  /** The player appeared (or changed, or went: null). */
  attach(controls: PlayerControls | null): void {
    this.release();
    this.release = () => undefined;
    this.controls = controls;
    if (!controls) return;
    this.release = this.track(controls);
    if (!this.announced) {
      this.announced = true;
      this.channel.notify('ready', true);
    }
  }

  destroy(): void {
    this.attach(null);
    this.channel.destroy();
  }

  private need(): PlayerControls {
    if (!this.controls) throw new Error('The player is not ready');
    return this.controls;
  }

  private methods(): Record<string, (params: unknown) => unknown> {
    return {
      isReady: () => this.announced,
      setVideoPassword: (password) => {
        if (typeof password !== 'string' || password === '') throw new TypeError('The password must be a string');
        this.onPassword(password);
      },
      // Answered at once, as PeerTube's (its playback may wait for data, or be refused by
      // the browser's autoplay rules: the events tell what happened).
      play: () => {
        void this.need()
          .media.play()
          .catch(() => undefined);
      },
      pause: () => this.need().media.pause(),
      seek: (seconds) => {
        this.need().media.currentTime = Math.max(0, finiteNumber(seconds, 'The time'));
      },
      setVolume: (value) => {
        this.need().media.volume = Math.min(1, Math.max(0, finiteNumber(value, 'The volume')));
      },
      getVolume: () => this.need().media.volume,
      setResolution: (id) => this.need().pickLevel(finiteNumber(id, 'The resolution id')),
      getResolutions: () => resolutionsOf(this.controls?.hls ?? null),
      getCaptions: () => captionsOf(this.controls?.hls ?? null),
      setCaption: (id) => {
        const controls = this.need();
        const track = captionsOf(controls.hls).find((t) => t.id === String(id));
        controls.pickSubtitle(track ? Number(track.id) : -1);
      },
      getPlaybackRates: () => PLAYBACK_RATES,
      getPlaybackRate: () => this.need().media.playbackRate,
      setPlaybackRate: (rate) => {
        const value = finiteNumber(rate, 'The playback rate');
        if (value <= 0) throw new RangeError('The playback rate must be positive');
        this.need().media.playbackRate = value;
      },
      // The embed of one video is no playlist: nothing before or after it.
      playNextVideo: () => undefined,
      playPreviousVideo: () => undefined,
      getCurrentPosition: () => undefined,
      getImageDataUrl: () => {
        const { media } = this.need();
        const canvas = document.createElement('canvas');
        canvas.width = media.videoWidth;
        canvas.height = media.videoHeight;
        canvas.getContext('2d')?.drawImage(media, 0, 0);
        return canvas.toDataURL('image/png');
      },
    };
  }

  private track(controls: PlayerControls): () => void {
    const { media, hls } = controls;
    const status = window.setInterval(() => {
      this.channel.notify('playbackStatusUpdate', {
        position: media.currentTime,
        volume: media.volume,
        duration: Number.isFinite(media.duration) ? media.duration : 0,
        playbackState: this.state,
      });
    }, STATUS_EVERY_MS);
    const changed = (state: PlaybackState) => () => {
      this.state = state;
      this.channel.notify('playbackStatusChange', state);
    };
    const played = changed('playing');
    const paused = changed('paused');
    const ended = changed('ended');
    const volume = () => this.channel.notify('volumeChange', media.volume);
    const resolutions = () => this.channel.notify('resolutionUpdate', resolutionsOf(hls));
    media.addEventListener('play', played);
    media.addEventListener('pause', paused);
    media.addEventListener('ended', ended);
    media.addEventListener('volumechange', volume);
    hls?.on(Hls.Events.MANIFEST_PARSED, resolutions);
    hls?.on(Hls.Events.LEVEL_SWITCHED, resolutions);
    return () => {
      window.clearInterval(status);
      media.removeEventListener('play', played);
      media.removeEventListener('pause', paused);
      media.removeEventListener('ended', ended);
      media.removeEventListener('volumechange', volume);
      hls?.off(Hls.Events.MANIFEST_PARSED, resolutions);
      hls?.off(Hls.Events.LEVEL_SWITCHED, resolutions);
    };
  }
}

/** PeerTube's embed query: the API only with `api=1`, in the scope `scope` names. */
export function embedApiOptions(search: string): { enabled: boolean; scope: string } {
  const query = new URLSearchParams(search);
  const scope = query.get('scope');
  return { enabled: query.get('api') === '1', scope: scope && !scope.includes('::') ? scope : 'peertube' };
}
