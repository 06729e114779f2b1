import { afterEach, describe, expect, it, vi } from 'vitest';
import { disablePush, enablePush, keyBytes, pushSupported } from './webPush';

function json(body: unknown, status = 200): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

afterEach(() => vi.unstubAllGlobals());

const KEY = 'BOr1V0sh2-HTwAf0LtfxRgs3k_tmx6Y31j1k-E2N7MxqVxNP8BN5LhmZjYqD3gtAV4BT8y0y5oXQdTbRSsiG3Qs';

/** A browser whose push manager subscribes, and the calls the API receives. */
function browser(permission: NotificationPermission, existing: PushSubscription | null = null) {
  const api: [string, RequestInit | undefined][] = [];
  const subscription = {
    endpoint: 'https://push.example/send/abc',
    toJSON: () => ({ endpoint: 'https://push.example/send/abc', expirationTime: null, keys: { p256dh: 'p', auth: 'a' } }),
    unsubscribe: vi.fn(async () => true),
  } as unknown as PushSubscription;
  const pushManager = {
    getSubscription: vi.fn(async () => existing),
    subscribe: vi.fn(async () => subscription),
  };
  const registration = { pushManager } as unknown as ServiceWorkerRegistration;
  vi.stubGlobal('window', { PushManager: {}, Notification: {} });
  vi.stubGlobal('Notification', { requestPermission: vi.fn(async () => permission) });
  vi.stubGlobal('navigator', {
    serviceWorker: {
      register: vi.fn(async () => registration),
      ready: Promise.resolve(registration),
      getRegistration: vi.fn(async () => registration),
    },
  });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      api.push([url, init]);
      if (url.endsWith('/vapid-key')) return json({ publicKey: KEY });
      return json(null, 204);
    }),
  );
  return { api, pushManager, subscription };
}

describe('web push', () => {
  it('turns the base64url VAPID key into its 65 bytes', () => {
    const bytes = keyBytes(KEY);
    expect(bytes.length).toBe(65);
    expect(bytes[0]).toBe(4); // an uncompressed P-256 point
  });

  it('says when the browser cannot take pushes, and refuses to enable them', async () => {
    expect(pushSupported()).toBe(false); // Node has no service workers
    await expect(enablePush()).rejects.toThrow('cannot receive push notifications');
  });

  it('subscribes with the instance key and gives the subscription to the server', async () => {
    const { api, pushManager } = browser('granted');
    expect(pushSupported()).toBe(true);
    await enablePush();
    expect(pushManager.subscribe).toHaveBeenCalledWith({ userVisibleOnly: true, applicationServerKey: keyBytes(KEY) });
    const [url, init] = api[1]!;
    expect(url).toBe('/api/v1/users/me/push-subscriptions');
    expect(init!.method).toBe('POST');
    expect(JSON.parse(String(init!.body))).toEqual({
      endpoint: 'https://push.example/send/abc',
      expirationTime: null,
      keys: { p256dh: 'p', auth: 'a' },
    });
  });

  it('asks nothing of the server when the user blocks notifications', async () => {
    const { api, pushManager } = browser('denied');
    await expect(enablePush()).rejects.toThrow('blocked');
    expect(api).toEqual([]);
    expect(pushManager.subscribe).not.toHaveBeenCalled();
  });

  it('forgets the subscription on the server, then in the browser', async () => {
    const existing = browser('granted').subscription;
    const { api } = browser('granted', existing);
    await disablePush();
    const [url, init] = api[0]!;
    expect([url, init!.method, JSON.parse(String(init!.body))]).toEqual([
      '/api/v1/users/me/push-subscriptions',
      'DELETE',
      { endpoint: 'https://push.example/send/abc' },
    ]);
    expect(existing.unsubscribe).toHaveBeenCalled();
  });
});
