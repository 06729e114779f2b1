import { describe, expect, it, vi } from 'vitest';
import { matchPath, matchRoute, Router, type Route, type RouterEnv } from './router';

describe('matchPath', () => {
  it('matches static paths exactly', () => {
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/about', '/about')).toEqual({});
    expect(matchPath('/about', '/About')).toBeNull();
    expect(matchPath('/about', '/about/more')).toBeNull();
    expect(matchPath('/about', '/')).toBeNull();
    expect(matchPath('/', '/about')).toBeNull();
  });

  it('ignores a trailing slash', () => {
    expect(matchPath('/about', '/about/')).toEqual({});
    expect(matchPath('/videos/local/', '/videos/local')).toEqual({});
  });

  it('captures and decodes :param segments', () => {
    expect(matchPath('/w/:id', '/w/abc123')).toEqual({ id: 'abc123' });
    expect(matchPath('/c/:name/videos', '/c/my%20channel/videos')).toEqual({ name: 'my channel' });
    expect(matchPath('/a/:account/:tab', '/a/alice@example.org/videos')).toEqual({
      account: 'alice@example.org',
      tab: 'videos',
    });
  });

  it('does not let a param match an empty or missing segment', () => {
    expect(matchPath('/w/:id', '/w')).toBeNull();
    expect(matchPath('/w/:id', '/w/')).toBeNull();
  });

  it('rejects malformed percent-encoding', () => {
    expect(matchPath('/w/:id', '/w/%E0%A4%A')).toBeNull();
  });
});

describe('matchRoute', () => {
  const routes: Route<string>[] = [
    { path: '/', value: 'home' },
    { path: '/videos/trending', value: 'trending' },
    { path: '/videos/:id', value: 'video' },
  ];

  it('returns the first matching route and its params', () => {
    expect(matchRoute(routes, '/')?.route.value).toBe('home');
    expect(matchRoute(routes, '/videos/trending')?.route.value).toBe('trending');
    const m = matchRoute(routes, '/videos/42');
    expect(m?.route.value).toBe('video');
    expect(m?.params).toEqual({ id: '42' });
  });

  it('returns null when nothing matches', () => {
    expect(matchRoute(routes, '/nowhere')).toBeNull();
  });
});

function fakeEnv(href: string) {
  const listeners = new Map<string, (event: Event) => void>();
  const env: RouterEnv = {
    location: { href },
    history: {
      pushState: vi.fn((_data: unknown, _unused: string, url?: string | URL | null) => {
        env.location.href = new URL(String(url), env.location.href).href;
      }),
      replaceState: vi.fn((_data: unknown, _unused: string, url?: string | URL | null) => {
        env.location.href = new URL(String(url), env.location.href).href;
      }),
    },
    addEventListener: (type, listener) => void listeners.set(type, listener),
    removeEventListener: (type) => void listeners.delete(type),
  };
  return { env, listeners };
}

describe('Router', () => {
  const routes: Route<string>[] = [
    { path: '/', value: 'home' },
    { path: '/about', value: 'about' },
    { path: '/w/:id', value: 'watch' },
  ];

  it('renders the current URL on start', async () => {
    const { env } = fakeEnv('http://localhost/w/xyz?start=10');
    const handler = vi.fn();
    await new Router(routes, handler, env).start();
    const [match, url] = handler.mock.calls[0]!;
    expect(match.route.value).toBe('watch');
    expect(match.params).toEqual({ id: 'xyz' });
    expect(url.searchParams.get('start')).toBe('10');
  });

  it('pushes history on navigate and passes null for unknown paths', async () => {
    const { env } = fakeEnv('http://localhost/');
    const handler = vi.fn();
    const router = new Router(routes, handler, env);
    await router.navigate('/about');
    expect(env.history.pushState).toHaveBeenCalledWith(null, '', '/about');
    expect(handler.mock.calls[0]![0].route.value).toBe('about');
    await router.navigate('/missing', { replace: true });
    expect(env.history.replaceState).toHaveBeenCalledWith(null, '', '/missing');
    expect(handler.mock.calls[1]![0]).toBeNull();
  });

  it('aborts the previous navigation when a new one starts', async () => {
    const { env } = fakeEnv('http://localhost/');
    const signals: AbortSignal[] = [];
    const router = new Router(routes, (_m, _u, signal) => void signals.push(signal), env);
    await router.navigate('/about');
    await router.navigate('/');
    expect(signals[0]!.aborted).toBe(true);
    expect(signals[1]!.aborted).toBe(false);
  });

  it('re-renders on popstate, but not for a fragment-only change', async () => {
    const { env, listeners } = fakeEnv('http://localhost/');
    const handler = vi.fn();
    await new Router(routes, handler, env).start();
    env.location.href = 'http://localhost/#main';
    listeners.get('popstate')!(new Event('popstate'));
    expect(handler).toHaveBeenCalledTimes(1);
    env.location.href = 'http://localhost/about';
    listeners.get('popstate')!(new Event('popstate'));
    expect(handler).toHaveBeenCalledTimes(2);
    expect(handler.mock.calls[1]![0].route.value).toBe('about');
  });

  it('only handles same-origin URLs that match a route', () => {
    const { env } = fakeEnv('http://localhost/');
    const router = new Router(routes, vi.fn(), env);
    expect(router.handles(new URL('http://localhost/about'))).toBe(true);
    expect(router.handles(new URL('http://localhost/api/v1/config'))).toBe(false);
    expect(router.handles(new URL('http://elsewhere.test/about'))).toBe(false);
  });
});
