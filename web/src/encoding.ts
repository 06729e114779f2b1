// How far a video's encoding has come, from the video as the API shows it. Cirrus publishes
// a video from its first rendition on and adds the others after; its `pendingResolutions`
// names those still to come (docs/transcoding.md). The upload, studio and watch pages say the
// same thing from it, and follow the video until it is whole.

import { useEffect, useState } from 'react';
import { errorMessage } from './api';
import { api } from './services';
import { PUBLISHED, type VideoDetails } from './types';

export const TO_TRANSCODE = 2;
/** Transcoding failed; moving to or from object storage failed. */
const FAILED = [7, 8, 11];

export type EncodedVideo = Pick<VideoDetails, 'state' | 'streamingPlaylists' | 'files' | 'pendingResolutions'>;

export interface Encoding {
  /** Published (watchable), whether or not every rendition is in. */
  published: boolean;
  /** Published with nothing pending: nothing more will change. */
  done: boolean;
  failed: boolean;
  /** The renditions in so far and those still to come, lowest first. */
  inSoFar: number[];
  pending: number[];
}

const sorted = (resolutions: number[]) => [...new Set(resolutions)].sort((a, b) => a - b);

/** Where the video's encoding stands. A server that does not say what is pending (PeerTube)
 * publishes at the end: its published video is done. */
export function encoding(video: EncodedVideo | null): Encoding {
  const state = video?.state?.id;
  const published = state === PUBLISHED;
  const pending = published ? sorted(video?.pendingResolutions ?? []) : [];
  const hls = video?.streamingPlaylists?.[0]?.files ?? [];
  const made = (hls.length ? hls : (video?.files ?? [])).map((f) => f.resolution.id);
  return {
    published,
    done: published && pending.length === 0,
    failed: state !== undefined && FAILED.includes(state),
    inSoFar: published ? sorted(made.filter((r) => !pending.includes(r))) : [],
    pending,
  };
}

const names = (resolutions: number[]) => resolutions.map((r) => `${r}p`).join(', ');

/** "Published in 144p, 240p; still encoding 360p…" for a video published and still encoding. */
export function stillEncodingLabel(progress: Encoding): string {
  const inSoFar = progress.inSoFar.length ? ` in ${names(progress.inSoFar)}` : '';
  return `Published${inSoFar}; still encoding ${names(progress.pending)}…`;
}

/** Reads with `read` until `settled` says so or `signal` aborts, `intervalMs` apart, and tells
 * `seen` each outcome: the value read, or why it could not be read (then it tries again). */
export async function follow<V>(
  read: (signal: AbortSignal) => Promise<V>,
  settled: (value: V) => boolean,
  seen: (value: V | null, error: string | null) => void,
  signal: AbortSignal,
  intervalMs = 2000,
  wait: (ms: number, signal: AbortSignal) => Promise<void> = sleep,
): Promise<void> {
  while (!signal.aborted) {
    try {
      const value = await read(signal);
      if (signal.aborted) return;
      seen(value, null);
      if (settled(value)) return;
    } catch (err) {
      if (signal.aborted) return;
      seen(null, errorMessage(err));
    }
    await wait(intervalMs, signal);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The video `id` as last read, read again every `intervalMs` until `settled` says so (or the
 * page goes); null `id`: not followed. A failed read is kept as `error` and tried again. */
export function useFollowedVideo(
  id: string | number | null,
  settled: (video: VideoDetails) => boolean,
  intervalMs = 2000,
): { video: VideoDetails | null; error: string | null } {
  const [video, setVideo] = useState<VideoDetails | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (id === null) return;
    const controller = new AbortController();
    const seen = (v: VideoDetails | null, why: string | null) => {
      if (v) setVideo(v);
      setError(why);
    };
    void follow((signal) => api.video(String(id), signal), settled, seen, controller.signal, intervalMs);
    return () => controller.abort();
    // `settled` is the first render's: a new function each render must not restart the loop.
  }, [id, intervalMs]);
  return { video, error };
}
