import { describe, expect, it } from 'vitest';
import { DirectUpload, fingerprint, savedBytes, savedUploads, type UploadStatus } from './upload';

/** An in-memory Storage. */
function memoryStore() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });

/**
 * The server and S3 behind one mocked fetch: POST upload-s3 creates, PUT part-N stores
 * part N (or fails as told), GET upload-s3/7 lists what is held, POST .../complete ends.
 */
function fakeBackend(size: number, partSize: number, options: { failPuts?: number[]; held?: number[] } = {}) {
  const held = new Map<number, number>((options.held ?? []).map((n) => [n, Math.min(partSize, size - (n - 1) * partSize)]));
  const calls: string[] = [];
  let puts = 0;
  let completed = false;
  const count = Math.ceil(size / partSize);
  const urls = (numbers: number[]) => numbers.map((n) => ({ partNumber: n, url: `https://s3.test/part-${n}` }));
  const video = { id: 7, uuid: 'u-7', shortUUID: 's7' };
  const fetcher = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    calls.push(`${method} ${url}`);
    if (method === 'PUT') {
      puts++;
      if (options.failPuts?.includes(puts)) throw new TypeError('Failed to fetch');
      held.set(Number(/part-(\d+)/.exec(url)![1]), (init!.body as Blob).size);
      return new Response(null, { status: 200 });
    }
    if (method === 'POST' && url === '/api/v1/videos/upload-s3') {
      expect(JSON.parse(init!.body as string)).toMatchObject({ filename: 'clip.mp4', size, mimeType: 'video/mp4', name: 'Clip' });
      const all = Array.from({ length: count }, (_, i) => i + 1);
      return json(200, { video, upload: { uploadId: 'up-1', partSize, parts: urls(all) } });
    }
    if (method === 'GET' && url === '/api/v1/videos/upload-s3/7') {
      if (completed) return json(409, { status: 409, detail: 'This video has no upload in progress.' });
      const missing = Array.from({ length: count }, (_, i) => i + 1).filter((n) => !held.has(n));
      const uploadedParts = [...held].map(([partNumber, length]) => ({ partNumber, size: length }));
      return json(200, { video, upload: { uploadId: 'up-1', partSize, size, parts: urls(missing), uploadedParts } });
    }
    if (method === 'POST' && url === '/api/v1/videos/upload-s3/7/complete') {
      expect(held.size).toBe(count);
      completed = true;
      return json(200, { video });
    }
    if (method === 'DELETE') return new Response(null, { status: 204 });
    throw new Error(`unexpected ${method} ${url}`);
  };
  return { fetcher, calls, held, puts: () => puts };
}

const file = (size: number) => ({
  name: 'clip.mp4',
  size,
  type: 'video/mp4',
  lastModified: 1,
  slice: (a: number, b: number) => new Blob([new Uint8Array(b - a)]),
});

const metadata = { name: 'Clip', channelId: 1, privacy: 1 };

function upload(size: number, backend: ReturnType<typeof fakeBackend>, store = memoryStore(), seen: UploadStatus[] = []) {
  return new DirectUpload(file(size), metadata, {
    token: async () => 'tok',
    fetch: backend.fetcher,
    store,
    onStatus: (s) => seen.push(s),
    sleep: async () => undefined,
    parallel: 2,
  });
}

describe('DirectUpload', () => {
  it('creates the upload, sends every part, completes and forgets its state', async () => {
    const backend = fakeBackend(10, 4);
    const store = memoryStore();
    const seen: UploadStatus[] = [];
    const final = await upload(10, backend, store, seen).run();
    expect(final.phase).toBe('done');
    expect(final.video?.id).toBe(7);
    expect([...backend.held.values()]).toEqual([4, 4, 2]);
    expect(backend.calls.at(-1)).toBe('POST /api/v1/videos/upload-s3/7/complete');
    expect(seen.map((s) => s.sent)).toEqual(expect.arrayContaining([4, 8, 10]));
    expect(savedUploads.list(store)).toEqual([]);
  });

  it('saves its state after each part, for a reload', async () => {
    const backend = fakeBackend(10, 4, { failPuts: [2, 3, 4] });
    const store = memoryStore();
    const job = new DirectUpload(file(10), metadata, {
      token: async () => null,
      fetch: backend.fetcher,
      store,
      parallel: 1,
      maxRetries: 0,
      onStatus: () => undefined,
    });
    const final = await job.run();
    expect(final.phase).toBe('failed');
    const saved = savedUploads.find(fingerprint(file(10)), store)!;
    expect(saved).toMatchObject({ uploadId: 'up-1', partSize: 4, partsDone: [1], video: { id: 7 }, name: 'Clip' });
    expect(savedBytes(saved)).toBe(4);
  });

  it('retries a failed part after a pause, sending only what S3 lacks', async () => {
    const backend = fakeBackend(10, 4, { failPuts: [2] });
    const seen: UploadStatus[] = [];
    const final = await upload(10, backend, memoryStore(), seen).run();
    expect(final.phase).toBe('done');
    expect(seen.map((s) => s.phase)).toContain('retrying');
    expect(seen.find((s) => s.phase === 'retrying')?.retryInMs).toBe(1000);
    // Part 1 (sent alongside part 2) was not sent again: 3 parts + 1 retry.
    expect(backend.puts()).toBe(4);
    expect(backend.calls.filter((c) => c === 'GET /api/v1/videos/upload-s3/7')).toHaveLength(1);
  });

  it('grows the delay between tries and gives up after the last', async () => {
    const backend = fakeBackend(10, 4, { failPuts: [1, 2, 3, 4, 5, 6, 7, 8] });
    const delays: number[] = [];
    const job = new DirectUpload(file(10), metadata, {
      token: async () => null,
      fetch: backend.fetcher,
      store: memoryStore(),
      parallel: 1,
      maxRetries: 3,
      backoff: [10, 20],
      onStatus: () => undefined,
      sleep: async (ms) => void delays.push(ms),
    });
    const final = await job.run();
    expect(delays).toEqual([10, 20, 20]);
    expect(final.phase).toBe('failed');
    expect(final.error).toBe('The connection was lost.');
  });

  it('resumes a saved upload, skipping the parts S3 holds', async () => {
    const backend = fakeBackend(10, 4, { held: [1, 3] });
    const store = memoryStore();
    savedUploads.save(
      {
        ...metadata,
        name: 'Saved name',
        fingerprint: fingerprint(file(10)),
        filename: 'clip.mp4',
        size: 10,
        video: { id: 7, uuid: 'u-7' },
        uploadId: 'up-1',
        partSize: 4,
        partsDone: [1],
      },
      store,
    );
    const seen: UploadStatus[] = [];
    const job = upload(10, backend, store, seen);
    expect(job.resumedMetadata?.name).toBe('Saved name');
    const final = await job.run();
    expect(final.phase).toBe('done');
    expect(backend.calls.filter((c) => c.startsWith('PUT'))).toEqual(['PUT https://s3.test/part-2']);
    expect(backend.calls.some((c) => c === 'POST /api/v1/videos/upload-s3')).toBe(false);
    expect(seen[0]!.sent).toBe(4); // the saved progress shows at once
    expect(savedUploads.list(store)).toEqual([]);
  });

  it('ends a saved upload that the server already completed', async () => {
    const backend = fakeBackend(10, 4, { held: [1, 2, 3] });
    const store = memoryStore();
    const first = upload(10, backend, store);
    await first.run();
    savedUploads.save(
      { ...metadata, fingerprint: fingerprint(file(10)), filename: 'clip.mp4', size: 10, video: { id: 7, uuid: 'u-7' }, uploadId: 'up-1', partSize: 4, partsDone: [] },
      store,
    );
    const final = await upload(10, backend, store).run();
    expect(final).toMatchObject({ phase: 'done', video: { id: 7 } });
    expect(savedUploads.list(store)).toEqual([]);
  });

  it('stops with the server message on a refusal', async () => {
    const fetcher = async () => json(413, { status: 413, title: 'Payload Too Large', detail: 'Quota reached', code: 'quota_reached' });
    const job = new DirectUpload(file(10), metadata, { token: async () => null, fetch: fetcher, store: memoryStore(), onStatus: () => undefined });
    const final = await job.run();
    expect(final.phase).toBe('failed');
    expect(final.error).toBe('Quota reached');
  });

  it('cancelling abandons the upload on the server and forgets it', async () => {
    const backend = fakeBackend(10, 4);
    const store = memoryStore();
    const seen: UploadStatus[] = [];
    const job: DirectUpload = new DirectUpload(file(10), metadata, {
      token: async () => 'tok',
      fetch: backend.fetcher,
      store,
      parallel: 1,
      onStatus: (s) => {
        seen.push(s);
        if (s.phase === 'uploading' && s.sent === 4) void job.cancel();
      },
    });
    const final = await job.run();
    expect(final.phase).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 0));
    expect(backend.calls).toContain('DELETE /api/v1/videos/upload-s3/7');
    expect(savedUploads.list(store)).toEqual([]);
  });
});
