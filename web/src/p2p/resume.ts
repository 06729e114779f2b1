// p2p-media-loader 2.2.2 resumes over HTTP a segment whose download from a peer was cut,
// asking only for the bytes it still lacks. A peer download cut after its last byte arrived
// (the segment was still being checked against the hashes when it became urgent and the
// loader moved it to HTTP, or when no more bytes came for 2 s) lacks none: the loader then
// asks for `bytes=<end + 1>-<end>`, which the server refuses (416). The library waits 3 s on
// each refusal (it drops HTTP errors and only its no-bytes timeout ends the attempt), gives up
// after three, and hls.js, told the segment failed, falls to a lower quality, whose segments
// no peer holds: the rest of the video came over HTTP (bench/p2p.py found it; docs/tracker.md).
import type { ByteRange } from './segment-hashes';

export type RequestRange = { start: number; end?: number };

/**
 * The range to ask instead of `requested`, or undefined to ask it as is. For a resumed
 * segment with nothing left, its last byte: a range the loader did not expect, so it forgets
 * the bytes it holds and fetches the whole segment on its next attempt.
 */
export function resumeRange(segment: ByteRange | undefined, requested: RequestRange | undefined): RequestRange | undefined {
  if (!segment || !requested || requested.end === undefined || requested.start <= requested.end) return undefined;
  return { start: segment.end, end: segment.end };
}

/** A Range header's value, as p2p-media-loader writes it. */
export const rangeHeader = (range: RequestRange): string => `bytes=${range.start}-${range.end ?? ''}`;
