import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, errorMessage, getConfig, getJson } from './api';

function mockFetch(impl: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>) {
  const fn = vi.fn(impl);
  vi.stubGlobal('fetch', fn);
  return fn;
}

function respond(body: string, status: number, contentType?: string, statusText = ''): Promise<Response> {
  const headers = contentType ? { 'content-type': contentType } : undefined;
  return Promise.resolve(new Response(body, { status, statusText, headers }));
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('getJson', () => {
  it('returns the parsed body of a 2xx response', async () => {
    const fetch = mockFetch(() =>
      respond(JSON.stringify({ instance: { name: 'Cirrus', shortDescription: 'Videos' } }), 200, 'application/json'),
    );
    const config = await getConfig();
    expect(config.instance.name).toBe('Cirrus');
    expect(fetch).toHaveBeenCalledWith('/api/v1/config', expect.objectContaining({ headers: { Accept: 'application/json' } }));
  });

  it('turns a problem+json response into an ApiError carrying its fields', async () => {
    mockFetch(() =>
      respond(
        JSON.stringify({
          type: 'about:blank',
          status: 404,
          title: 'Not Found',
          detail: 'Video not found',
          code: 'video_not_found',
        }),
        404,
        'application/problem+json; charset=utf-8',
        'Not Found',
      ),
    );
    const err = await getJson('/api/v1/videos/nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const apiErr = err as ApiError;
    expect(apiErr.status).toBe(404);
    expect(apiErr.title).toBe('Not Found');
    expect(apiErr.detail).toBe('Video not found');
    expect(apiErr.type).toBe('about:blank');
    expect(apiErr.code).toBe('video_not_found');
    expect(apiErr.message).toBe('Video not found');
    expect(errorMessage(apiErr)).toBe('Video not found');
  });

  it('reads invalid-params as a reason per field path', async () => {
    mockFetch(() =>
      respond(
        JSON.stringify({
          status: 400,
          title: 'Bad Request',
          detail: 'Incorrect request parameters: signup.limit',
          'invalid-params': { 'signup.limit': { type: 'field', msg: 'Invalid value', path: 'signup.limit', location: 'body' }, junk: 3 },
        }),
        400,
        'application/problem+json',
      ),
    );
    const err = (await getJson('/x').catch((e: unknown) => e)) as ApiError;
    expect(err.invalidParams).toEqual({ 'signup.limit': 'Invalid value' });
  });

  it('falls back to the title when a problem has no detail', async () => {
    mockFetch(() => respond(JSON.stringify({ status: 403, title: 'Forbidden' }), 403, 'application/problem+json'));
    const err = (await getJson('/x').catch((e: unknown) => e)) as ApiError;
    expect(err.detail).toBeUndefined();
    expect(err.userMessage).toBe('Forbidden');
  });

  it('reads the legacy `error` field of a plain JSON error body', async () => {
    mockFetch(() => respond(JSON.stringify({ error: 'Bad things' }), 400, 'application/json', 'Bad Request'));
    const err = (await getJson('/x').catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(400);
    expect(err.title).toBe('Bad Request');
    expect(err.detail).toBe('Bad things');
  });

  it('uses the HTTP status when the error body is not JSON', async () => {
    mockFetch(() => respond('<h1>Bad gateway</h1>', 502, 'text/html', 'Bad Gateway'));
    const err = (await getJson('/x').catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(502);
    expect(err.title).toBe('Bad Gateway');
    expect(err.userMessage).toBe('The server answered 502 Bad Gateway.');
  });

  it('survives a problem+json body that is not valid JSON', async () => {
    mockFetch(() => respond('{not json', 500, 'application/problem+json'));
    const err = (await getJson('/x').catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(500);
    expect(err.title).toBe('HTTP 500');
  });

  it('reports a network failure as an ApiError with status 0', async () => {
    mockFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const err = (await getJson('/x').catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(0);
    expect(err.title).toBe('Network error');
  });

  it('rethrows the abort error when the request was aborted', async () => {
    const controller = new AbortController();
    mockFetch(() => {
      controller.abort();
      return Promise.reject(new DOMException('Aborted', 'AbortError'));
    });
    const err = await getJson('/x', controller.signal).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(ApiError);
    expect((err as DOMException).name).toBe('AbortError');
  });

  it('reports an unreadable 2xx body as an ApiError', async () => {
    mockFetch(() => respond('not json', 200, 'application/json'));
    const err = (await getJson('/x').catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.title).toBe('Invalid response');
  });
});

describe('errorMessage', () => {
  it('handles non-API errors', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('weird')).toBe('Something went wrong.');
  });
});
