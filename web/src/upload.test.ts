import { describe, expect, it } from 'vitest';
import { receivedFromRange, ResumableUpload, type ChunkAnswer, type Transport, type UploadStatus } from './upload';

function answer(status: number, headers: Record<string, string> = {}, text = ''): ChunkAnswer {
  return { status, header: (n) => headers[n.toLowerCase()] ?? null, text };
}

/** A server keeping the bytes it received; it can drop the connection on chosen PUTs. */
function fakeServer(size: number, dropPuts: number[] = []) {
  let received = 0;
  let puts = 0;
  const inits: Record<string, string>[] = [];
  const transport: Transport = {
    async init(_url, headers) {
      inits.push(headers);
      const range: Record<string, string> = received ? { range: `bytes=0-${received - 1}` } : {};
      return answer(inits.length === 1 ? 201 : 200, { location: '//host:1/api/v1/videos/upload-resumable?upload_id=abc', ...range });
    },
    async put(url, headers, body, onProgress) {
      expect(url).toBe('/api/v1/videos/upload-resumable?upload_id=abc');
      puts++;
      const [, first] = /bytes (\d+)-/.exec(headers['Content-Range']!)!;
      expect(Number(first)).toBe(received);
      if (dropPuts.includes(puts)) {
        onProgress(body.size / 2);
        throw new Error('network down');
      }
      onProgress(body.size);
      received += body.size;
      if (received < size) return answer(308, { range: `bytes=0-${received - 1}` });
      return answer(200, {}, JSON.stringify({ video: { id: 7, uuid: 'u-7', shortUUID: 's7' } }));
    },
    abort() {},
  };
  return { transport, inits, received: () => received };
}

const file = (size: number) => ({
  name: 'clip.mp4',
  size,
  type: 'video/mp4',
  lastModified: 1,
  slice: (a: number, b: number) => new Blob([new Uint8Array(b - a)]),
});

describe('ResumableUpload', () => {
  it('sends the file in chunks and reports the created video', async () => {
    const server = fakeServer(10);
    const seen: UploadStatus[] = [];
    const upload = new ResumableUpload(file(10), { name: 'Clip', channelId: 1, privacy: 1 }, {
      chunkSize: 4,
      token: async () => 'tok',
      transport: server.transport,
      onStatus: (s) => seen.push(s),
    });
    const final = await upload.run();
    expect(final.phase).toBe('done');
    expect(final.video?.id).toBe(7);
    expect(server.inits[0]!['X-Upload-Content-Length']).toBe('10');
    expect(server.inits[0]!.Authorization).toBe('Bearer tok');
    expect(seen.map((s) => s.sent)).toEqual(expect.arrayContaining([4, 8, 10]));
  });

  it('retries after a network error from the byte the server has', async () => {
    const server = fakeServer(10, [2]);
    const phases: string[] = [];
    const upload = new ResumableUpload(file(10), { name: 'Clip', channelId: 1, privacy: 1 }, {
      chunkSize: 4,
      token: async () => null,
      transport: server.transport,
      onStatus: (s) => phases.push(s.phase),
      sleep: async () => undefined,
    });
    const final = await upload.run();
    expect(final.phase).toBe('done');
    expect(phases).toContain('retrying');
    expect(server.inits).toHaveLength(2);
    expect(server.received()).toBe(10);
  });

  it('stops with the server message on a client error', async () => {
    const transport: Transport = {
      init: async () =>
        answer(403, { 'content-type': 'application/problem+json' }, JSON.stringify({ status: 403, title: 'Forbidden', detail: 'Quota reached' })),
      put: async () => answer(500),
      abort() {},
    };
    const upload = new ResumableUpload(file(10), { name: 'Clip', channelId: 1, privacy: 1 }, {
      chunkSize: 4,
      token: async () => null,
      transport,
      onStatus: () => undefined,
    });
    const final = await upload.run();
    expect(final.phase).toBe('failed');
    expect(final.error).toBe('Quota reached');
  });

  it('reads the Range header', () => {
    expect(receivedFromRange(null)).toBe(0);
    expect(receivedFromRange('bytes=0-99')).toBe(100);
  });
});
