// PeerTube's resumable upload (POST then PUT chunks to /api/v1/videos/upload-resumable),
// same-origin so it needs no CORS. A network error or a 5xx pauses the upload and retries
// with a growing delay; every retry first asks the server how much it already has (a
// repeated init of the same file answers with its Range), so no byte is sent twice. The
// server derives the upload's id from the user, the name, the size and the file's mtime,
// so after a page reload picking the same file resumes it (see PendingUploads).

import { errorFromResponse } from './api';

export interface UploadMetadata {
  name: string;
  channelId: number;
  privacy: number;
}

export interface UploadFile {
  name: string;
  size: number;
  type: string;
  lastModified: number;
  slice(start: number, end: number): Blob;
}

export interface ChunkAnswer {
  status: number;
  header(name: string): string | null;
  text: string;
}

/** How bytes travel; the browser's uses XMLHttpRequest for upload progress events. */
export interface Transport {
  init(url: string, headers: Record<string, string>, body: string): Promise<ChunkAnswer>;
  put(url: string, headers: Record<string, string>, body: Blob, onProgress: (loaded: number) => void): Promise<ChunkAnswer>;
  abort(): void;
}

export type UploadPhase = 'starting' | 'uploading' | 'retrying' | 'done' | 'failed' | 'cancelled';

export interface UploadStatus {
  phase: UploadPhase;
  /** Bytes the server has, plus those of the chunk in flight. */
  sent: number;
  total: number;
  /** Set once the server has created the video. */
  video?: { id: number; uuid: string; shortUUID?: string };
  error?: string;
  /** When retrying: milliseconds until the next try. */
  retryInMs?: number;
}

export interface UploadOptions {
  chunkSize: number;
  token: () => Promise<string | null>;
  transport: Transport;
  onStatus: (status: UploadStatus) => void;
  sleep?: (ms: number) => Promise<void>;
  /** Retry delays in ms; the last one repeats. */
  backoff?: number[];
  maxRetries?: number;
}

export const RESUMABLE_PATH = '/api/v1/videos/upload-resumable';

function isRetriable(status: number): boolean {
  return status === 0 || status === 429 || status >= 500;
}

/** The received byte count from a `Range: bytes=0-N` header (0 when absent). */
export function receivedFromRange(range: string | null): number {
  const match = /bytes=0-(\d+)/.exec(range ?? '');
  return match ? Number(match[1]) + 1 : 0;
}

async function problemMessage(answer: ChunkAnswer): Promise<string> {
  const response = new Response(answer.text, {
    status: answer.status >= 200 && answer.status <= 599 ? answer.status : 500,
    headers: { 'content-type': answer.header('content-type') ?? 'text/plain' },
  });
  return (await errorFromResponse(response)).userMessage;
}

export class ResumableUpload {
  private cancelled = false;
  private location: string | null = null;
  private status: UploadStatus;

  constructor(
    private readonly file: UploadFile,
    private readonly metadata: UploadMetadata,
    private readonly options: UploadOptions,
  ) {
    this.status = { phase: 'starting', sent: 0, total: file.size };
  }

  private emit(change: Partial<UploadStatus>): void {
    this.status = { ...this.status, ...change };
    this.options.onStatus(this.status);
  }

  private async headers(extra: Record<string, string>): Promise<Record<string, string>> {
    const token = await this.options.token();
    return token ? { ...extra, Authorization: `Bearer ${token}` } : extra;
  }

  /** Declare the file (or find the upload already started): the bytes the server has. */
  private async init(): Promise<number> {
    const body = JSON.stringify({
      ...this.metadata,
      filename: this.file.name,
      lastModified: this.file.lastModified,
    });
    const answer = await this.options.transport.init(
      RESUMABLE_PATH,
      await this.headers({
        'Content-Type': 'application/json',
        'X-Upload-Content-Length': String(this.file.size),
        'X-Upload-Content-Type': this.file.type || 'application/octet-stream',
      }),
      body,
    );
    if (answer.status !== 200 && answer.status !== 201) throw new UploadFailure(answer.status, await problemMessage(answer));
    const location = answer.header('location');
    if (!location) throw new UploadFailure(500, 'The server did not say where to send the file.');
    // Keep the path only: the upload stays on this origin whatever host the server saw.
    const url = new URL(location, 'http://placeholder.invalid');
    this.location = url.pathname + url.search;
    return receivedFromRange(answer.header('range'));
  }

  /** Send the file from where the server is; resolves with the created video. */
  async run(): Promise<UploadStatus> {
    const { backoff = [1000, 2000, 4000, 8000], maxRetries = 50 } = this.options;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    let failures = 0;
    for (;;) {
      try {
        await this.sendFrom(await this.init());
        return this.status;
      } catch (err) {
        if (this.cancelled) {
          this.emit({ phase: 'cancelled' });
          return this.status;
        }
        const failure = err instanceof UploadFailure ? err : new UploadFailure(0, String(err));
        if (!isRetriable(failure.status) || failures >= maxRetries) {
          this.emit({ phase: 'failed', error: failure.message });
          return this.status;
        }
        const delay = backoff[Math.min(failures, backoff.length - 1)]!;
        failures++;
        this.emit({
          phase: 'retrying',
          error: failure.status === 0 ? 'The connection was lost.' : failure.message,
          retryInMs: delay,
        });
        await sleep(delay);
        if (this.cancelled) {
          this.emit({ phase: 'cancelled' });
          return this.status;
        }
      }
    }
  }

  private async sendFrom(received: number): Promise<void> {
    let offset = received;
    this.emit({ phase: 'uploading', sent: offset, error: undefined, retryInMs: undefined });
    const size = this.file.size;
    for (;;) {
      const end = Math.min(offset + this.options.chunkSize, size);
      const chunk = this.file.slice(offset, end);
      const start = offset;
      const answer = await this.options.transport.put(
        this.location!,
        await this.headers({
          'Content-Type': 'application/octet-stream',
          'Content-Range': `bytes ${start}-${end - 1}/${size}`,
        }),
        chunk,
        (loaded) => this.emit({ sent: start + loaded }),
      );
      if (answer.status === 308) {
        offset = receivedFromRange(answer.header('range'));
        this.emit({ sent: offset });
        continue;
      }
      if (answer.status === 200 || answer.status === 201) {
        const created = JSON.parse(answer.text) as { video: UploadStatus['video'] };
        this.emit({ phase: 'done', sent: size, video: created.video });
        return;
      }
      throw new UploadFailure(answer.status, await problemMessage(answer));
    }
  }

  /** Stop sending but keep the upload on the server, to resume later. */
  pause(): void {
    this.cancelled = true;
    this.options.transport.abort();
  }

  /** Stop sending and abandon the upload on the server. */
  async cancel(): Promise<void> {
    this.cancelled = true;
    this.options.transport.abort();
    if (this.location) {
      await fetch(this.location, { method: 'DELETE', headers: await this.headers({}) }).catch(() => undefined);
    }
  }
}

export class UploadFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The browser's transport: XMLHttpRequest, for upload progress events. */
export function xhrTransport(): Transport {
  let current: XMLHttpRequest | null = null;
  const request = (
    method: string,
    url: string,
    headers: Record<string, string>,
    body: Blob | string,
    onProgress?: (loaded: number) => void,
  ) =>
    new Promise<ChunkAnswer>((resolve) => {
      const xhr = new XMLHttpRequest();
      current = xhr;
      xhr.open(method, url);
      for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
      if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded);
      const answer = (): ChunkAnswer => ({
        status: xhr.status,
        header: (name) => xhr.getResponseHeader(name),
        text: xhr.responseText,
      });
      xhr.onload = () => resolve(answer());
      // Network errors and aborts are status 0: retriable (or ended by cancel()).
      xhr.onerror = () => resolve({ status: 0, header: () => null, text: '' });
      xhr.onabort = () => resolve({ status: 0, header: () => null, text: '' });
      xhr.send(body);
    }).then((a) => {
      if (a.status === 0) throw new UploadFailure(0, 'The connection was lost.');
      return a;
    });
  return {
    init: (url, headers, body) => request('POST', url, headers, body),
    put: (url, headers, body, onProgress) => request('PUT', url, headers, body, onProgress),
    abort: () => current?.abort(),
  };
}

// ---- Uploads to resume after a reload ------------------------------------------------

export interface PendingUpload extends UploadMetadata {
  fingerprint: string;
  filename: string;
  size: number;
  sent: number;
  videoId?: number;
}

export const fingerprint = (f: Pick<UploadFile, 'name' | 'size' | 'lastModified'>): string =>
  `${f.name}|${f.size}|${f.lastModified}`;

const PENDING_KEY = 'cirrus.pendingUploads';

export const pendingUploads = {
  list(store: Pick<Storage, 'getItem'> = localStorage): PendingUpload[] {
    try {
      return JSON.parse(store.getItem(PENDING_KEY) ?? '[]') as PendingUpload[];
    } catch {
      return [];
    }
  },
  save(upload: PendingUpload, store: Pick<Storage, 'getItem' | 'setItem'> = localStorage): void {
    const others = this.list(store).filter((u) => u.fingerprint !== upload.fingerprint);
    store.setItem(PENDING_KEY, JSON.stringify([...others, upload]));
  },
  remove(print: string, store: Pick<Storage, 'getItem' | 'setItem'> = localStorage): void {
    store.setItem(PENDING_KEY, JSON.stringify(this.list(store).filter((u) => u.fingerprint !== print)));
  },
};
