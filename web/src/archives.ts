/**
 * Account archives (PeerTube's user exports and imports): the API calls, and sending an
 * archive with the resumable protocol (uploadx) a chunk at a time, as PeerTube's client does.
 */
import { errorFromResponse } from './api';
import { session } from './auth';

export interface ArchiveState {
  id: 1 | 2 | 3 | 4;
  label: string;
}

export interface UserExport {
  id: number;
  state: ArchiveState;
  size: number | null;
  privateDownloadUrl: string | null;
  createdAt: string;
  expiresOn: string;
  error?: string | null;
}

export interface SectionStats {
  success: number;
  duplicates: number;
  errors: number;
}

export interface UserImport {
  id: number;
  state: ArchiveState;
  createdAt: string;
  error?: string | null;
  resultSummary?: { stats: Record<string, SectionStats> } | null;
}

/** Chunks under API Gateway's payload limit (the server joins them into S3 parts). */
export const CHUNK_BYTES = 4 * 1024 * 1024;

export const archives = {
  listExports: (userId: number, signal?: AbortSignal) =>
    session.json<{ total: number; data: UserExport[] }>(`/api/v1/users/${userId}/exports`, { signal }),
  requestExport: (userId: number, withVideoFiles: boolean) =>
    session.json<{ export: { id: number } }>(`/api/v1/users/${userId}/exports/request`, {
      method: 'POST',
      json: { withVideoFiles },
    }),
  deleteExport: (userId: number, exportId: number) =>
    session.send(`/api/v1/users/${userId}/exports/${exportId}`, { method: 'DELETE' }),
  /** The latest import, or null when the user never imported. */
  latestImport: async (userId: number, signal?: AbortSignal): Promise<UserImport | null> => {
    try {
      return await session.json<UserImport>(`/api/v1/users/${userId}/imports/latest`, { signal });
    } catch (err) {
      if ((err as { status?: number }).status === 404) return null;
      throw err;
    }
  },
};

/** The byte ranges of the chunks of a file of `size` bytes. */
export function chunkRanges(size: number, chunk = CHUNK_BYTES): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let first = 0; first < size; first += chunk) ranges.push([first, Math.min(size, first + chunk) - 1]);
  return ranges;
}

/** Where the next chunk starts, from a 308's `Range: bytes=0-<last>` (0 without one). */
export function resumeFrom(range: string | null): number {
  const match = /^bytes=0-(\d+)$/.exec(range ?? '');
  return match ? Number(match[1]) + 1 : 0;
}

/** Upload an archive to import; the import's id. `onProgress` gets the bytes sent. */
export async function uploadArchive(
  userId: number,
  file: File,
  onProgress: (sent: number) => void,
  signal?: AbortSignal,
): Promise<number> {
  const started = await session.send(`/api/v1/users/${userId}/imports/import-resumable`, {
    method: 'POST',
    json: { filename: file.name, lastModified: file.lastModified },
    headers: { 'X-Upload-Content-Length': String(file.size), 'X-Upload-Content-Type': file.type || 'application/zip' },
    signal,
  });
  const location = started.headers.get('Location') ?? '';
  const path = location.replace(/^(https?:)?\/\/[^/]+/, '');
  let first = resumeFrom(started.headers.get('Range'));
  onProgress(first);
  for (const [, last] of chunkRanges(file.size)) {
    if (last < first) continue;
    const token = await session.accessToken();
    const res = await fetch(path, {
      method: 'PUT',
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Range': `bytes ${first}-${last}/${file.size}`,
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: file.slice(first, last + 1),
      signal,
      redirect: 'manual',
    });
    if (res.status === 200) {
      onProgress(file.size);
      return ((await res.json()) as { userImport: { id: number } }).userImport.id;
    }
    if (res.status !== 308) throw await errorFromResponse(res);
    first = resumeFrom(res.headers.get('Range'));
    onProgress(first);
  }
  throw new Error('The server did not complete the upload.');
}
