// Mirrors of a video's HLS files on other instances (PeerTube's redundancy): each serves the
// origin's file names below its base URL, so a segment may come from any of them. As
// PeerTube's segment loader does, every HTTP segment request picks the origin or a mirror at
// random; a segment asked for again (its try failed, or it did not match its hash) comes from
// the origin. Every HTTP segment is checked against the origin's segment hashes.
import { rangeHeader } from './resume';
import type { ByteRange } from './segment-hashes';

const MAX_REMEMBERED = 2000;

/** The mirrors' base URLs a video lists (http(s) only, without a trailing slash). */
export function mirrorBases(redundancies: { baseUrl?: unknown }[] | undefined): string[] {
  return (redundancies ?? [])
    .map((mirror) => mirror.baseUrl)
    .filter((url): url is string => typeof url === 'string' && /^https?:\/\/[^/]/i.test(url))
    .map((url) => url.replace(/\/+$/, ''));
}

/** Where a segment's bytes come from. */
export class MirrorPicker {
  private readonly fromMirror = new Set<string>();

  constructor(
    private readonly mirrors: string[],
    private readonly random: () => number = Math.random,
  ) {}

  get hasMirrors(): boolean {
    return this.mirrors.length > 0;
  }

  /** The URL to fetch `segmentUrl` from: the origin itself, or the same file on a mirror. */
  urlFor(segmentUrl: string, range?: ByteRange): string {
    const key = `${segmentUrl}#${range?.start ?? ''}-${range?.end ?? ''}`;
    if (this.fromMirror.delete(key) || this.mirrors.length === 0) return segmentUrl;
    const choice = Math.floor(this.random() * (this.mirrors.length + 1));
    if (choice >= this.mirrors.length) return segmentUrl;
    if (this.fromMirror.size >= MAX_REMEMBERED) this.fromMirror.clear();
    this.fromMirror.add(key);
    const name = new URL(segmentUrl).pathname.split('/').pop() ?? '';
    return `${this.mirrors[choice]}/${name}`;
  }

  /** p2p-media-loader's `httpRequestSetup`: a mirror's request, or undefined for the origin's. */
  requestSetup = async (
    segmentUrl: string,
    segmentRange: ByteRange | undefined,
    signal: AbortSignal,
    requestRange: { start: number; end?: number } | undefined,
  ): Promise<Request | undefined> => {
    const url = this.urlFor(segmentUrl, segmentRange);
    if (url === segmentUrl) return undefined;
    const headers = requestRange ? { Range: rangeHeader(requestRange) } : undefined;
    return new Request(url, { headers, signal });
  };
}
