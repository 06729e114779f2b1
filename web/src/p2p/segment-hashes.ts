// Checks segments received from other viewers against the video's `segments-sha256.json`
// before the player uses them: a peer could send anything, the origin's hashes cannot lie.
//
// The file is PeerTube's (and Cirrus's transcoder's) layout. For a video on demand every
// segment is a byte range of one fragmented MP4 per resolution, keyed by that file's name
// and then by "<first byte>-<last byte>" (inclusive):
//   { "<uuid>-720-fragmented.mp4": { "0-1043": "<sha256 hex>", ... }, ... }
// A live stream's file is flat: { "<segment>.ts": "<sha256 hex>" }.

export interface ByteRange {
  start: number;
  /** The last byte, inclusive (as p2p-media-loader and the hash file count it). */
  end: number;
}

type HashFile = Record<string, Record<string, string> | string>;
type LoadJson = (url: string) => Promise<unknown>;
type Digest = (data: ArrayBuffer) => Promise<string>;

/** A hash-file lookup key: the segment's file name and, for a byte range, its range. */
export function segmentKey(url: string, range?: ByteRange): { file: string; range?: string } {
  const path = new URL(url, 'http://relative.invalid/').pathname;
  const file = decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));
  return range ? { file, range: `${range.start}-${range.end}` } : { file };
}

/** The lowercase hex SHA-256 of the bytes (Web Crypto: browsers in a secure context, Node). */
export async function sha256Hex(data: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Whether this page can check segments at all: Web Crypto is only there in secure contexts. */
export const canValidate = (): boolean => typeof crypto !== 'undefined' && typeof crypto.subtle?.digest === 'function';

async function fetchJson(url: string): Promise<unknown> {
  const answer = await fetch(url, { credentials: 'omit' });
  if (!answer.ok) throw new Error(`${url}: HTTP ${answer.status}`);
  return answer.json();
}

function isHashFile(value: unknown): value is HashFile {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates segments against one video's hash file, fetched on first use and kept. A file
 * name the hashes do not list (a live stream's newer segment) refetches them, at most
 * `refetches` times; a missing or unreadable hash file makes every segment invalid, so the
 * player falls back to HTTP rather than trust a peer.
 */
export class SegmentValidator {
  private hashes: Promise<HashFile> | null = null;
  private refetchesLeft: number;

  constructor(
    private readonly hashesUrl: string,
    private readonly load: LoadJson = fetchJson,
    private readonly digest: Digest = sha256Hex,
    refetches = 3,
  ) {
    this.refetchesLeft = refetches;
  }

  /**
   * Fetch the hashes now, before a peer sends anything: a peer's segment is only handed on
   * once checked, and a check that first waits for this file can outlast the loader's
   * patience (it then moves the segment to HTTP; see resume.ts).
   */
  preload(): void {
    void this.current();
  }

  /** True when the bytes are exactly those the origin hashed for this segment. */
  async validate(url: string, range: ByteRange | undefined, data: ArrayBuffer): Promise<boolean> {
    const key = segmentKey(url, range);
    let expected = this.lookup(await this.current(), key);
    if (expected === undefined && this.refetchesLeft > 0) {
      this.refetchesLeft--;
      this.hashes = null;
      expected = this.lookup(await this.current(), key);
    }
    if (expected === undefined) return false;
    return (await this.digest(data)) === expected.toLowerCase();
  }

  private async current(): Promise<HashFile> {
    if (!this.hashes) {
      const loading = this.load(this.hashesUrl).then((value) => {
        if (!isHashFile(value)) throw new Error(`${this.hashesUrl} is not a segment hash file`);
        return value;
      });
      // A failed fetch is not kept: the next segment asks again.
      loading.catch(() => {
        if (this.hashes === loading) this.hashes = null;
      });
      this.hashes = loading;
    }
    try {
      return await this.hashes;
    } catch {
      return {};
    }
  }

  private lookup(hashes: HashFile, key: { file: string; range?: string }): string | undefined {
    const entry = Object.hasOwn(hashes, key.file) ? hashes[key.file] : undefined;
    if (key.range === undefined) return typeof entry === 'string' ? entry : undefined;
    if (typeof entry !== 'object' || entry === null) return undefined;
    const hash = Object.hasOwn(entry, key.range) ? entry[key.range] : undefined;
    return typeof hash === 'string' ? hash : undefined;
  }
}
