// Typed helpers for the PeerTube-compatible REST API served by Cirrus.
//
// Errors are returned by the server as RFC 9457 problem details
// (`application/problem+json`: {type, status, title, detail}); every failure,
// including network failures and malformed bodies, surfaces as an ApiError.

import type { RegisteredClientPlugin } from './pluginHost';

/** RFC 9457 problem details, as sent by the server. */
export interface Problem {
  type?: string;
  status: number;
  title: string;
  detail?: string;
  /** PeerTube-specific machine-readable error code, when present. */
  code?: string;
  /** PeerTube's `invalid-params`: per refused field (its path), why. */
  invalidParams?: Record<string, string>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly type: string | undefined;
  readonly code: string | undefined;
  readonly invalidParams: Record<string, string>;

  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.title = problem.title;
    this.detail = problem.detail;
    this.type = problem.type;
    this.code = problem.code;
    this.invalidParams = problem.invalidParams ?? {};
  }

  /** The text to show a person: the problem's detail, else its title. */
  get userMessage(): string {
    return this.detail ?? this.title;
  }
}

/** GET /api/v1/config (only the fields the client uses so far). */
export interface ServerConfig {
  instance: {
    name: string;
    shortDescription: string;
  };
  signup?: { allowed: boolean; allowedForCurrentIP?: boolean; requiresApproval?: boolean; minimumAge?: number };
  video?: { file?: { extensions?: string[] } };
  live?: { enabled: boolean; allowReplay: boolean; latencySetting?: { enabled: boolean } };
  import?: {
    videos?: { http?: { enabled: boolean }; torrent?: { enabled: boolean } };
    videoChannelSynchronization?: { enabled: boolean };
  };
  videoStudio?: { enabled: boolean };
  /** The installed plugins, with their client scripts (./pluginHost.ts). */
  plugin?: { registered: RegisteredClientPlugin[] };
}

/** GET /api/v1/config/about (only the fields the client uses so far). */
export interface AboutConfig {
  instance: {
    name: string;
    shortDescription: string;
    description: string;
  };
}

/** GET /api/v1/server/stats (only the fields the client uses so far). */
export interface ServerStats {
  totalUsers: number;
  totalDailyActiveUsers: number;
  totalWeeklyActiveUsers: number;
  totalMonthlyActiveUsers: number;
  totalLocalVideos: number;
  totalVideos: number;
  totalLocalVideoViews: number;
  totalLocalVideoComments: number;
  totalVideoComments: number;
  totalLocalVideoFilesSize: number;
  totalLocalVideoChannels: number;
  totalLocalMonthlyActiveVideoChannels: number;
  totalLocalPlaylists: number;
  totalInstanceFollowers: number;
  totalInstanceFollowing: number;
  totalActivityPubMessagesProcessed: number;
  activityPubMessagesProcessedPerSecond: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** PeerTube's `invalid-params` ({field: {msg, path}}, express-validator's) as field: reason. */
function readInvalidParams(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  const found: Record<string, string> = {};
  for (const [name, entry] of Object.entries(value)) {
    if (!isRecord(entry)) continue;
    const path = optionalString(entry.path) ?? name;
    found[path] = optionalString(entry.msg) ?? 'Invalid value';
  }
  return found;
}

/**
 * Turn a non-2xx response into an ApiError. Problem documents (and plain JSON
 * error bodies) are read for `detail`/`title`; anything else falls back to the
 * HTTP status line so the user still gets a meaningful message.
 */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  const fallbackTitle = res.statusText || `HTTP ${res.status}`;
  const contentType = res.headers.get('content-type') ?? '';
  if (/^application\/(problem\+)?json\b/i.test(contentType)) {
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      body = undefined;
    }
    if (isRecord(body)) {
      const title = optionalString(body.title) ?? fallbackTitle;
      return new ApiError({
        status: typeof body.status === 'number' ? body.status : res.status,
        title,
        // Older PeerTube servers put the message in `error`.
        detail: optionalString(body.detail) ?? optionalString(body.error),
        type: optionalString(body.type),
        code: optionalString(body.code),
        invalidParams: readInvalidParams(body['invalid-params']),
      });
    }
  }
  return new ApiError({
    status: res.status,
    title: fallbackTitle,
    detail: `The server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`,
  });
}

export interface RequestOptions {
  method?: string;
  /** A JSON body (sent as application/json). */
  json?: unknown;
  /** A form-encoded body (sent as application/x-www-form-urlencoded). */
  form?: Record<string, string>;
  /** A raw body (e.g. FormData for file uploads). */
  body?: BodyInit;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

const networkError = () =>
  new ApiError({
    status: 0,
    title: 'Network error',
    detail: 'Could not reach the server. Check your connection and try again.',
  });

/** Send a request to the API; the answer's Response when 2xx, else an ApiError. */
export async function send(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let body: BodyInit | undefined = options.body;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  let res: Response;
  try {
    res = await fetch(path, { method: options.method ?? 'GET', headers, body, signal: options.signal });
  } catch (err) {
    if (options.signal?.aborted) throw err;
    throw networkError();
  }
  if (!res.ok) throw await errorFromResponse(res);
  return res;
}

/** Read a 2xx answer as JSON (undefined for an empty body such as a 204). */
export async function readJson<T>(res: Response, signal?: AbortSignal): Promise<T> {
  try {
    const text = await res.text();
    return (text === '' ? undefined : JSON.parse(text)) as T;
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError({
      status: res.status,
      title: 'Invalid response',
      detail: 'The server sent a response that could not be read.',
    });
  }
}

/** GET a JSON document from the API. Rejects with ApiError (or an AbortError if aborted). */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await send(path, { signal, headers: {} });
  return readJson<T>(res, signal);
}

export const getConfig = (signal?: AbortSignal) => getJson<ServerConfig>('/api/v1/config', signal);

export const getAbout = (signal?: AbortSignal) => getJson<AboutConfig>('/api/v1/config/about', signal);

export const getServerStats = (signal?: AbortSignal) =>
  getJson<ServerStats>('/api/v1/server/stats', signal);

/** A message to show for any error thrown while talking to the API. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.userMessage;
  if (err instanceof Error && err.message) return err.message;
  return 'Something went wrong.';
}
