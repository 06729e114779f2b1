import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryStore, Session } from './auth';

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

afterEach(() => vi.unstubAllGlobals());

describe('Session', () => {
  it('logs in with the password grant of the local OAuth client', async () => {
    const calls: [string, RequestInit | undefined][] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        calls.push([url, init]);
        if (url === '/api/v1/oauth-clients/local') return json({ client_id: 'cid', client_secret: 'sec' });
        return json({ access_token: 'a1', refresh_token: 'r1', expires_in: 3600, token_type: 'Bearer' });
      }),
    );
    const session = new Session(memoryStore(), () => 1000);
    await session.logIn('alice', 'secret');
    expect(session.tokens).toEqual({ accessToken: 'a1', refreshToken: 'r1', expiresAt: 1000 + 3600_000 });
    const [, init] = calls[1]!;
    expect(String(init!.body)).toBe('client_id=cid&client_secret=sec&grant_type=password&username=alice&password=secret');
    expect((init!.headers as Record<string, string>)['Content-Type']).toBe('application/x-www-form-urlencoded');
  });

  it('refreshes a token refused with 401 once, then retries the request', async () => {
    const store = memoryStore();
    store.setItem('cirrus.tokens', JSON.stringify({ accessToken: 'old', refreshToken: 'r1', expiresAt: 10_000_000 }));
    store.setItem('cirrus.oauthClient', JSON.stringify({ client_id: 'cid', client_secret: 'sec' }));
    const auths: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        if (url === '/api/v1/users/token') {
          expect(String(init!.body)).toContain('grant_type=refresh_token&refresh_token=r1');
          return json({ access_token: 'new', refresh_token: 'r2', expires_in: 3600 });
        }
        const auth = (init!.headers as Record<string, string>).Authorization!;
        auths.push(auth);
        return auth === 'Bearer new' ? json({ username: 'alice' }) : json({ status: 401, title: 'Unauthorized' }, 401);
      }),
    );
    const session = new Session(store, () => 0);
    expect(await session.json('/api/v1/users/me')).toEqual({ username: 'alice' });
    expect(auths).toEqual(['Bearer old', 'Bearer new']);
    expect(session.tokens?.refreshToken).toBe('r2');
  });

  it('renews an access token about to expire before using it, and signs out when refresh is refused', async () => {
    const store = memoryStore();
    store.setItem('cirrus.tokens', JSON.stringify({ accessToken: 'old', refreshToken: 'r1', expiresAt: 10_000 }));
    store.setItem('cirrus.oauthClient', JSON.stringify({ client_id: 'cid', client_secret: 'sec' }));
    vi.stubGlobal('fetch', vi.fn(async () => json({ status: 400, title: 'Bad Request', code: 'invalid_grant' }, 400)));
    const session = new Session(store, () => 9_000);
    const changes: unknown[] = [];
    session.subscribe((t) => changes.push(t));
    expect(await session.accessToken()).toBeNull();
    expect(session.signedIn).toBe(false);
    expect(changes).toEqual([null]);
  });
});
