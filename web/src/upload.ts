// Direct upload to S3 (Cirrus's extension of PeerTube's API, see the repository's README):
// the server creates the video and an S3 multipart upload, the browser PUTs the file's parts
// straight to S3 with presigned URLs, then asks the server to complete the upload.
//
// Resuming: the upload's state (video, upload id, part size, parts done) is kept in
// localStorage under the file's name, size and modification time. A network error or an
// expired URL stops the parts in flight; after a growing delay the client asks the server
// where the upload stands (GET upload-s3/{id}: the parts S3 holds whole, fresh URLs for the
// others) and sends only what is missing. After a page reload, picking the same file again
// does the same.

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

export interface CreatedVideo {
  id: number;
  uuid: string;
  shortUUID?: string;
}

interface PartUrl {
  partNumber: number;
  url: string;
}

/** What the server says of an upload: POST upload-s3, or GET upload-s3/{id} when resuming. */
interface UploadAnswer {
  video: CreatedVideo;
  upload: { uploadId: string; partSize: number; parts: PartUrl[]; uploadedParts?: { partNumber: number; size: number }[] };
}

/** Sends one part's bytes to its URL; resolves when S3 has them, rejects with an UploadFailure. */
export type PartSender = (url: string, body: Blob, onProgress: (loaded: number) => void, signal: AbortSignal) => Promise<void>;

export type UploadPhase = 'starting' | 'uploading' | 'retrying' | 'completing' | 'done' | 'failed' | 'cancelled';

export interface UploadStatus {
  phase: UploadPhase;
  /** Bytes S3 holds, plus those of the parts in flight. */
  sent: number;
  total: number;
  /** Set once the server has created the video. */
  video?: CreatedVideo;
  error?: string;
  /** When retrying: milliseconds until the next try. */
  retryInMs?: number;
}

/** The upload's state kept across reloads. */
export interface SavedUpload extends UploadMetadata {
  fingerprint: string;
  filename: string;
  size: number;
  video: CreatedVideo;
  uploadId: string;
  partSize: number;
  partsDone: number[];
}

export interface UploadOptions {
  token: () => Promise<string | null>;
  fetch?: typeof fetch;
  /** How part bytes travel; the browser's default uses XMLHttpRequest for progress events. */
  sendPart?: PartSender;
  store?: Pick<Storage, 'getItem' | 'setItem'>;
  onStatus: (status: UploadStatus) => void;
  sleep?: (ms: number) => Promise<void>;
  /** Retry delays in ms; the last one repeats. */
  backoff?: number[];
  /** Failed tries in a row before giving up (a part that arrives resets the count). */
  maxRetries?: number;
  /** Parts sent at once. */
  parallel?: number;
}

export const DIRECT_UPLOAD_PATH = '/api/v1/videos/upload-s3';

export class UploadFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Worth trying again: the network, the server, or an expired part URL. */
    readonly retriable = status === 0 || status === 403 || status === 429 || status >= 500,
  ) {
    super(message);
  }
}

export const fingerprint = (f: Pick<UploadFile, 'name' | 'size' | 'lastModified'>): string =>
  `${f.name}|${f.size}|${f.lastModified}`;

// ---- Uploads to resume after a reload ------------------------------------------------

const SAVED_KEY = 'cirrus.directUploads';

type Store = Pick<Storage, 'getItem' | 'setItem'>;

export const savedUploads = {
  list(store: Store = localStorage): SavedUpload[] {
    try {
      const list: unknown = JSON.parse(store.getItem(SAVED_KEY) ?? '[]');
      return Array.isArray(list) ? (list as SavedUpload[]) : [];
    } catch {
      return [];
    }
  },
  find(print: string, store: Store = localStorage): SavedUpload | undefined {
    return this.list(store).find((u) => u.fingerprint === print);
  },
  save(upload: SavedUpload, store: Store = localStorage): void {
    const others = this.list(store).filter((u) => u.fingerprint !== upload.fingerprint);
    store.setItem(SAVED_KEY, JSON.stringify([...others, upload]));
  },
  remove(print: string, store: Store = localStorage): void {
    store.setItem(SAVED_KEY, JSON.stringify(this.list(store).filter((u) => u.fingerprint !== print)));
  },
};

/** Bytes of a saved upload S3 holds (as far as this browser knows). */
export function savedBytes(upload: SavedUpload): number {
  return upload.partsDone.reduce((sum, n) => sum + partLength(n, upload.partSize, upload.size), 0);
}

function partLength(partNumber: number, partSize: number, size: number): number {
  return Math.max(0, Math.min(partSize, size - (partNumber - 1) * partSize));
}

// ---- The upload ----------------------------------------------------------------------

export class DirectUpload {
  private readonly stop = new AbortController();
  private cancelled = false;
  private readonly print: string;
  private saved: SavedUpload | undefined;
  private status: UploadStatus;
  private readonly store: Store;
  private readonly fetch: typeof fetch;

  constructor(
    private readonly file: UploadFile,
    private readonly metadata: UploadMetadata,
    private readonly options: UploadOptions,
  ) {
    this.store = options.store ?? localStorage;
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.print = fingerprint(file);
    this.saved = savedUploads.find(this.print, this.store);
    this.status = { phase: 'starting', sent: 0, total: file.size, video: this.saved?.video };
  }

  /** The metadata the upload was started with: the saved one when resuming. */
  get resumedMetadata(): UploadMetadata | undefined {
    return this.saved && { name: this.saved.name, channelId: this.saved.channelId, privacy: this.saved.privacy };
  }

  private get stopped(): boolean {
    return this.stop.signal.aborted;
  }

  private emit(change: Partial<UploadStatus>): void {
    this.status = { ...this.status, ...change };
    this.options.onStatus(this.status);
  }

  /** Send what S3 lacks, then complete; resolves with the final status. */
  async run(): Promise<UploadStatus> {
    const { backoff = [1000, 2000, 4000, 8000], maxRetries = 30 } = this.options;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    let failures = 0;
    for (;;) {
      let progressed = false;
      try {
        await this.attempt(() => (progressed = true));
        return this.status;
      } catch (err) {
        if (this.stopped) return this.status;
        const failure = err instanceof UploadFailure ? err : new UploadFailure(0, 'The connection was lost.');
        if (progressed) failures = 0;
        if (!failure.retriable || failures >= maxRetries) {
          this.emit({ phase: 'failed', error: failure.message });
          return this.status;
        }
        const delay = backoff[Math.min(failures, backoff.length - 1)]!;
        failures++;
        this.emit({ phase: 'retrying', error: failure.message, retryInMs: delay });
        await sleep(delay);
        if (this.stopped) return this.status;
      }
    }
  }

  private async attempt(onPart: () => void): Promise<void> {
    const answer = this.saved ? await this.resume() : await this.create();
    if (answer === 'complete') return this.done(this.saved!.video);
    const saved = this.saved!;
    // What S3 holds is the truth; the saved list only serves to show progress before asking.
    saved.partsDone = (answer.upload.uploadedParts ?? []).map((p) => p.partNumber);
    savedUploads.save(saved, this.store);
    const queue = [...answer.upload.parts].sort((a, b) => a.partNumber - b.partNumber);
    const inFlight = new Map<number, number>();
    const progress = () => savedBytes(saved) + [...inFlight.values()].reduce((a, b) => a + b, 0);
    this.emit({ phase: 'uploading', sent: progress(), video: answer.video, error: undefined, retryInMs: undefined });

    // A failure stops the other workers from taking new parts; the parts in flight finish.
    let failure: unknown = null;
    const worker = async () => {
      for (let part = queue.shift(); part && failure === null && !this.stopped; part = queue.shift()) {
        const start = (part.partNumber - 1) * saved.partSize;
        const body = this.file.slice(start, Math.min(start + saved.partSize, this.file.size));
        const number = part.partNumber;
        inFlight.set(number, 0);
        try {
          await this.sendPart(part.url, body, (loaded) => {
            inFlight.set(number, loaded);
            this.emit({ sent: progress() });
          });
        } catch (err) {
          failure ??= err;
          return;
        } finally {
          inFlight.delete(number);
        }
        if (this.cancelled) return;
        saved.partsDone = [...saved.partsDone, number];
        savedUploads.save(saved, this.store);
        onPart();
        this.emit({ sent: progress() });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.options.parallel ?? 2) }, worker));
    if (this.stopped) throw new UploadFailure(0, 'Stopped.', false);
    if (failure !== null) throw failure;
    this.emit({ phase: 'completing', sent: this.file.size });
    // {}: the server completes with the parts S3 holds (browsers may not read ETag).
    await this.call(`${DIRECT_UPLOAD_PATH}/${answer.video.id}/complete`, 'POST', {});
    this.done(answer.video);
  }

  private sendPart(url: string, body: Blob, onProgress: (loaded: number) => void): Promise<void> {
    const send = this.options.sendPart ?? fetchPartSender(this.fetch);
    return send(url, body, onProgress, this.stop.signal);
  }

  /** POST upload-s3: the server creates the video and the S3 upload. */
  private async create(): Promise<UploadAnswer> {
    const answer = await this.call<UploadAnswer>(DIRECT_UPLOAD_PATH, 'POST', {
      ...this.metadata,
      filename: this.file.name,
      size: this.file.size,
      mimeType: this.file.type || 'application/octet-stream',
    });
    this.saved = {
      ...this.metadata,
      fingerprint: this.print,
      filename: this.file.name,
      size: this.file.size,
      video: answer.video,
      uploadId: answer.upload.uploadId,
      partSize: answer.upload.partSize,
      partsDone: [],
    };
    savedUploads.save(this.saved, this.store);
    return answer;
  }

  /** GET upload-s3/{id}: what S3 holds, fresh URLs for the rest ('complete' if it is done). */
  private async resume(): Promise<UploadAnswer | 'complete'> {
    const saved = this.saved!;
    this.emit({ sent: savedBytes(saved), video: saved.video });
    try {
      return await this.call<UploadAnswer>(`${DIRECT_UPLOAD_PATH}/${saved.video.id}`, 'GET');
    } catch (err) {
      if (!(err instanceof UploadFailure)) throw err;
      // 409: completed already (the page went away before it knew); 404: abandoned, start anew.
      if (err.status === 409) return 'complete';
      if (err.status === 404) {
        savedUploads.remove(this.print, this.store);
        this.saved = undefined;
        return this.create();
      }
      throw err;
    }
  }

  private done(video: CreatedVideo): void {
    savedUploads.remove(this.print, this.store);
    this.emit({ phase: 'done', sent: this.file.size, video, error: undefined, retryInMs: undefined });
  }

  private async call<T>(path: string, method: string, json?: unknown): Promise<T> {
    const token = await this.options.token();
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (json !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetch(path, {
        method,
        headers,
        body: json === undefined ? undefined : JSON.stringify(json),
        signal: this.stop.signal,
      });
    } catch {
      throw new UploadFailure(0, 'The connection was lost.');
    }
    if (!response.ok) {
      const error = await errorFromResponse(response);
      // Only the network and the server's own troubles are worth a retry here: a 403 from
      // the API is a refusal, unlike one from S3 (an expired URL).
      throw new UploadFailure(response.status, error.userMessage, response.status === 429 || response.status >= 500);
    }
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Stop sending but keep the upload, to resume later. */
  pause(): void {
    this.stop.abort();
  }

  /** Stop sending and abandon the upload and its video on the server. */
  async cancel(): Promise<void> {
    const saved = this.saved;
    this.cancelled = true;
    this.stop.abort();
    this.emit({ phase: 'cancelled' });
    savedUploads.remove(this.print, this.store);
    if (saved) await abandon(saved, this.options.token, this.fetch);
  }
}

/** Abandon a saved upload on the server (DELETE upload-s3/{id}); failures are ignored. */
export async function abandon(
  saved: SavedUpload,
  token: () => Promise<string | null>,
  fetcher: typeof fetch = (input, init) => fetch(input, init),
): Promise<void> {
  const bearer = await token();
  await fetcher(`${DIRECT_UPLOAD_PATH}/${saved.video.id}`, {
    method: 'DELETE',
    headers: bearer ? { Authorization: `Bearer ${bearer}` } : {},
  }).catch(() => undefined);
}

/** Parts over fetch: no progress until a part is sent (tests, and a fallback). */
export function fetchPartSender(fetcher: typeof fetch): PartSender {
  return async (url, body, onProgress, signal) => {
    let response: Response;
    try {
      response = await fetcher(url, { method: 'PUT', body, signal });
    } catch {
      throw new UploadFailure(0, 'The connection was lost.');
    }
    if (!response.ok) throw new UploadFailure(response.status, `The storage refused a part (${response.status}).`);
    onProgress(body.size);
  };
}

/** Parts over XMLHttpRequest, whose upload events tell the progress within a part. */
export const xhrPartSender: PartSender = (url, body, onProgress, signal) =>
  new Promise<void>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () =>
      xhr.status >= 200 && xhr.status < 300
        ? resolve()
        : reject(new UploadFailure(xhr.status, `The storage refused a part (${xhr.status}).`));
    xhr.onerror = () => reject(new UploadFailure(0, 'The connection was lost.'));
    xhr.onabort = () => reject(new UploadFailure(0, 'Stopped.', false));
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
