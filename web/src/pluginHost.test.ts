import { describe, expect, it, vi } from 'vitest';
import { Notices, PluginHost, scriptUrl, type HostDeps, type PeerTubeHelpers, type RegisteredClientPlugin } from './pluginHost';

type Module = { register?: unknown };

function plugin(name: string, scripts: Record<string, string[]>, version = '1.0.0'): RegisteredClientPlugin {
  return {
    npmName: `peertube-plugin-${name}`,
    name,
    version,
    clientScripts: Object.fromEntries(Object.entries(scripts).map(([script, scopes]) => [script, { script, scopes: scopes as never }])),
  };
}

function host(modules: Record<string, Module | Error>, overrides: Partial<HostDeps> = {}) {
  const imported: string[] = [];
  const logged: string[] = [];
  const notified: unknown[][] = [];
  const deps: HostDeps = {
    importModule: async (url) => {
      imported.push(url);
      const found = modules[url];
      if (found === undefined || found instanceof Error) throw found ?? new Error(`no module at ${url}`);
      return found;
    },
    fetchJson: async (url) => ({ publicSettings: { asked: url } }),
    serverConfig: async () => ({ instance: { name: 'test' } }),
    accessToken: () => 'token-1',
    notify: (...args) => notified.push(args),
    log: (message) => logged.push(message),
    readyTimeoutMs: 20,
    ...overrides,
  };
  return { host: new PluginHost(deps), imported, logged, notified };
}

describe('the client plugin host', () => {
  it('loads a scope’s scripts once, from PeerTube’s client-scripts URL, and runs their filters by priority', async () => {
    const a = plugin('a', { 'client/a.js': ['video-watch', 'common'] });
    const b = plugin('b', { 'b.js': ['video-watch'] }, '2.0.0');
    const register = vi.fn(({ registerHook }) => {
      registerHook({ target: 'filter:api.video-watch.video.get.result', handler: (v: { name: string }) => ({ ...v, name: `${v.name} (a)` }) });
    });
    const { host: plugins, imported } = host({
      [scriptUrl(a, 'client/a.js')]: { register },
      [scriptUrl(b, 'b.js')]: {
        register: ({ registerHook }: { registerHook: (o: unknown) => void }) =>
          registerHook({ target: 'filter:api.video-watch.video.get.result', priority: 10, handler: async (v: { name: string }) => ({ ...v, name: `${v.name} (b)` }) }),
      },
    });
    expect(plugins.start([a, b])).toBe(true);
    expect(plugins.start([])).toBe(false);
    const video = await plugins.filter('filter:api.video-watch.video.get.result', 'video-watch', { name: 'Clip' });
    expect(video).toEqual({ name: 'Clip (b) (a)' });
    await plugins.filter('filter:api.video-watch.video.get.result', 'common', { name: 'x' });
    expect(imported).toEqual(['/plugins/a/1.0.0/client-scripts/client/a.js', '/plugins/b/2.0.0/client-scripts/b.js']);
    expect(register).toHaveBeenCalledTimes(1);
  });

  it('does not load scripts of other scopes', async () => {
    const a = plugin('a', { 'a.js': ['search'] });
    const { host: plugins, imported } = host({});
    plugins.start([a]);
    await plugins.action('action:application.init', 'common');
    expect(imported).toEqual([]);
  });

  it('keeps the page going when a script fails to load, register throws or a handler throws', async () => {
    const broken = plugin('broken', { 'x.js': ['common'] });
    const throwing = plugin('throwing', { 't.js': ['common'] });
    const noRegister = plugin('empty', { 'e.js': ['common'] });
    const good = plugin('good', { 'g.js': ['common'] });
    const told: unknown[] = [];
    const { host: plugins, logged } = host({
      [scriptUrl(broken, 'x.js')]: new Error('404'),
      [scriptUrl(throwing, 't.js')]: {
        register: ({ registerHook }: { registerHook: (o: unknown) => void }) => {
          registerHook({ target: 'filter:api.browse-videos.videos.list.result', priority: 5, handler: () => { throw new Error('boom'); } });
          registerHook({ target: 'filter:api.browse-videos.videos.list.result', priority: 4, handler: () => undefined });
          registerHook({ target: 'action:application.init', handler: async () => Promise.reject(new Error('rejected')) });
          registerHook({ target: 'bad' });
        },
      },
      [scriptUrl(noRegister, 'e.js')]: {},
      [scriptUrl(good, 'g.js')]: {
        register: ({ registerHook }: { registerHook: (o: unknown) => void }) => {
          registerHook({ target: 'filter:api.browse-videos.videos.list.result', handler: (page: { total: number }) => ({ ...page, total: page.total + 1 }) });
          registerHook({ target: 'action:application.init', handler: (params: unknown) => told.push(params ?? 'told') });
        },
      },
    });
    plugins.start([broken, throwing, noRegister, good]);
    expect(await plugins.filter('filter:api.browse-videos.videos.list.result', 'common', { total: 1, data: [] })).toEqual({ total: 2, data: [] });
    await plugins.action('action:application.init', 'common');
    expect(told).toEqual(['told']);
    // Scripts load side by side: the order of their failures is the network's.
    expect([...logged].sort()).toEqual([
      'plugin broken: x.js failed to load or register',
      'plugin empty: e.js failed to load or register',
      'plugin throwing: hook action:application.init failed',
      'plugin throwing: hook filter:api.browse-videos.videos.list.result failed',
      'plugin throwing: registerHook needs a target and a handler',
    ]);
  });

  it('runs hooks without plugins when the plugin list never comes', async () => {
    const { host: plugins } = host({}, { readyTimeoutMs: 5 });
    expect(await plugins.filter('filter:api.search.videos.list.result', 'search', 'unchanged')).toBe('unchanged');
  });

  it('gives each plugin PeerTube’s helpers', async () => {
    const a = plugin('my-plugin', { 'a.js': ['common'] }, '0.3.1');
    let helpers = {} as PeerTubeHelpers;
    let token: string | null = 'secret';
    const { host: plugins, notified } = host(
      { [scriptUrl(a, 'a.js')]: { register: (options: { peertubeHelpers: typeof helpers }) => void (helpers = options.peertubeHelpers) } },
      { accessToken: () => token },
    );
    plugins.start([a]);
    await plugins.action('action:application.init', 'common');
    expect(helpers.getBaseStaticRoute()).toBe('/plugins/my-plugin/0.3.1/static');
    expect(helpers.getBaseRouterRoute()).toBe('/plugins/my-plugin/0.3.1/router');
    expect(await helpers.getSettings()).toEqual({ asked: '/api/v1/plugins/peertube-plugin-my-plugin/public-settings' });
    expect(await helpers.translate('Hello')).toBe('Hello');
    expect(helpers.isLoggedIn()).toBe(true);
    expect(helpers.getAuthHeader()).toEqual({ Authorization: 'Bearer secret' });
    token = null;
    expect(helpers.isLoggedIn()).toBe(false);
    expect(helpers.getAuthHeader()).toBeUndefined();
    helpers.notifier.success('Saved', 'Plugin');
    helpers.notifier.error('Oops');
    expect(notified).toEqual([
      ['success', 'Saved', 'Plugin', undefined],
      ['error', 'Oops', undefined, undefined],
    ]);
  });
});

describe('plugin notices', () => {
  it('shows a notice until its time runs out or it is dismissed', () => {
    const notices = new Notices();
    const timers: (() => void)[] = [];
    const seen: number[] = [];
    notices.subscribe((items) => seen.push(items.length));
    notices.add('info', 'one', undefined, 100, ((fn: () => void) => timers.push(fn)) as never);
    notices.add('error', 'two', 'Title', 0);
    expect(notices.current.map((n) => n.text)).toEqual(['one', 'two']);
    timers[0]!();
    expect(notices.current.map((n) => n.text)).toEqual(['two']);
    notices.dismiss(notices.current[0]!.id);
    expect(seen).toEqual([1, 2, 1, 0]);
  });
});
