// The studio's edit as PeerTube's API takes it (JSON `tasks`, in the order they run), its
// files posted to storage first: each file goes straight to S3 with the presigned POST the
// API hands out (`studio/upload-s3`), and its task names the upload (`fileUploadId`), so no
// file passes through the API (whose requests carry a few MB at most).

import { encoding, stillEncodingLabel, TO_TRANSCODE, type EncodedVideo } from './encoding';

export interface StudioChoices {
  /** Keep from `start` to `end` (seconds); null: from the beginning / to the end. */
  cutStart: number | null;
  cutEnd: number | null;
  /** Ranges to take out, in seconds of the cut video. */
  removed: Array<{ start: number; end: number }>;
  intro: File | null;
  outro: File | null;
  watermark: File | null;
  saveAsNewVideo: boolean;
}

export type FileTask = 'add-intro' | 'add-outro' | 'add-watermark';
export type FileChoice = 'intro' | 'outro' | 'watermark';

/** The file tasks, in PeerTube's order, and the choice holding each one's file. */
export const FILE_TASKS: ReadonlyArray<readonly [FileTask, FileChoice]> = [
  ['add-intro', 'intro'],
  ['add-outro', 'outro'],
  ['add-watermark', 'watermark'],
];

export interface StudioTask {
  name: string;
  options?: Record<string, unknown>;
}

export interface StudioEdit {
  tasks: StudioTask[];
  saveAsNewVideo?: boolean;
}

/** The tasks the choices amount to, in PeerTube's order (cut, segments, intro, outro,
 * watermark), each file task naming its posted file (`uploads`); no tasks when nothing was
 * chosen. */
export function studioEdit(
  choices: StudioChoices,
  duration: number,
  uploads: Partial<Record<FileTask, string>> = {},
): StudioEdit {
  const tasks: StudioTask[] = [];
  const cutStart = choices.cutStart && choices.cutStart > 0 ? choices.cutStart : null;
  const cutEnd = choices.cutEnd !== null && choices.cutEnd < duration ? choices.cutEnd : null;
  if (cutStart !== null || cutEnd !== null) {
    const options: Record<string, number> = {};
    if (cutStart !== null) options.start = Math.floor(cutStart);
    if (cutEnd !== null) options.end = Math.floor(cutEnd);
    tasks.push({ name: 'cut', options });
  }
  const segments = choices.removed.filter((s) => s.end > s.start);
  if (segments.length) {
    const kept = segments.map((s) => ({ start: Math.floor(s.start), end: Math.floor(s.end) }));
    tasks.push({ name: 'remove-segments', options: { segments: kept } });
  }
  for (const [name, choice] of FILE_TASKS) {
    if (!choices[choice]) continue;
    tasks.push({ name, options: { fileUploadId: uploads[name] } });
  }
  return tasks.length && choices.saveAsNewVideo ? { tasks, saveAsNewVideo: true } : { tasks };
}

/** What `POST /api/v1/videos/{id}/studio/upload-s3` answers. */
export interface PresignedUpload {
  uploadId: string;
  upload: { url: string; fields: Record<string, string> };
  maxSize: number;
  expiresIn: number;
}

/** Posts `file` to storage with the presigned form (its fields, then the file, as S3 wants);
 * a file over the form's cap is refused here, before any byte is sent. Errors say why, for
 * the field's own message. */
export async function postToStorage(
  presigned: PresignedUpload,
  file: File,
  fetcher: typeof fetch = (input, init) => fetch(input, init),
): Promise<void> {
  if (file.size > presigned.maxSize) {
    throw new Error(`This file is larger than the ${formatBytes(presigned.maxSize)} allowed.`);
  }
  if (file.size === 0) throw new Error('This file is empty.');
  const form = new FormData();
  for (const [key, value] of Object.entries(presigned.upload.fields)) form.append(key, value);
  form.append('file', file, file.name);
  let response: Response;
  try {
    response = await fetcher(presigned.upload.url, { method: 'POST', body: form });
  } catch {
    throw new Error('The file could not be sent: check your connection and try again.');
  }
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    const reason = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? `HTTP ${response.status}`;
    throw new Error(`The storage refused the file: ${reason}`);
  }
}

/** As the caps are stated (docs/studio.md): 5 GB (S3's, decimal), 8 MB (binary). */
function formatBytes(bytes: number): string {
  if (bytes >= 1000 ** 3) return `${Math.round((bytes / 1000 ** 3) * 10) / 10} GB`;
  return `${Math.round((bytes / 1024 ** 2) * 10) / 10} MB`;
}

/** Which file field an edit's refusal is about ("Task add-intro is invalid: ..."), if any. */
export function fieldOfRefusal(message: string): FileChoice | null {
  const task = /^Task (add-intro|add-outro|add-watermark)\b/.exec(message)?.[1];
  return FILE_TASKS.find(([name]) => name === task)?.[1] ?? null;
}

/** How long the edited video will be, before intro and outro. */
export function editedDuration(choices: StudioChoices, duration: number): number {
  const start = Math.max(0, choices.cutStart ?? 0);
  const end = Math.min(duration, choices.cutEnd ?? duration);
  const kept = Math.max(0, end - start);
  const removed = choices.removed
    .filter((s) => s.end > s.start)
    .reduce((sum, s) => sum + Math.max(0, Math.min(s.end, kept) - Math.max(0, s.start)), 0);
  return Math.max(0, kept - removed);
}

/** Where an edit of the video stands, from the video as the API last showed it (null: not
 * read since the edit was sent). The edited video is published from its first rendition on
 * and gains the others after (docs/transcoding.md): done only once none is pending. */
export function editProgress(video: EncodedVideo | null): { label: string; done: boolean } {
  if (video?.state?.id === TO_TRANSCODE) return { label: 'Edited; now transcoding…', done: false };
  const progress = encoding(video);
  if (!progress.published) return { label: 'Editing…', done: false };
  if (progress.done) return { label: 'Done: the edited video is published.', done: true };
  return { label: stillEncodingLabel(progress), done: false };
}
