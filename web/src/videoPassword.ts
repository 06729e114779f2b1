// Password-protected videos (privacy 5), as PeerTube: the server answers 403 with the code
// video_requires_password (no password sent) or incorrect_video_password, and every call
// about the video (details, comments, rating, views) carries the password in the
// x-peertube-video-password header. Passwords typed by the viewer are kept in memory only,
// for this tab, by video reference (id, UUID or short UUID).
import { ApiError } from './api';

export const PASSWORD_HEADER = 'x-peertube-video-password';
export const PRIVACY_PASSWORD = 5;
export const REQUIRES_PASSWORD = 'video_requires_password';
export const INCORRECT_PASSWORD = 'incorrect_video_password';

const known = new Map<string, string>();

/** Keep the password that opened a video, under each of its references. */
export function rememberPassword(references: (string | number | undefined)[], password: string): void {
  for (const ref of references) if (ref !== undefined && ref !== '') known.set(String(ref), password);
}

export function forgetPasswords(): void {
  known.clear();
}

/** The password known for a video reference, if any. */
export function knownPassword(reference: string | number): string | undefined {
  return known.get(String(reference));
}

/** The header to send for a video, if a password is known for it. */
export function passwordHeaders(reference: string | number): Record<string, string> {
  const password = known.get(String(reference));
  return password === undefined ? {} : { [PASSWORD_HEADER]: password };
}

/** Whether an error means the video needs a password: 'missing', 'wrong', or null. */
export function passwordNeed(err: unknown): 'missing' | 'wrong' | null {
  if (!(err instanceof ApiError) || err.status !== 403) return null;
  if (err.code === REQUIRES_PASSWORD) return 'missing';
  if (err.code === INCORRECT_PASSWORD) return 'wrong';
  return null;
}

/** The passwords typed in the form, one a line (blank lines ignored). */
export function parsePasswords(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Why the server would refuse these passwords (its own rules), or null. */
export function passwordsProblem(passwords: string[]): string | null {
  if (passwords.length === 0) return 'A password-protected video needs at least one password.';
  if (new Set(passwords).size !== passwords.length) return 'Each password must be different.';
  if (passwords.some((p) => p.length < 2 || p.length >= 100)) return 'Passwords must have 2 to 99 characters.';
  return null;
}
