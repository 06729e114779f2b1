// Client plugins, as PeerTube's web client runs them: each installed plugin's scripts
// (GET /api/v1/config → plugin.registered[].clientScripts) are ES modules loaded when the
// client first enters one of their scopes. Each module's `register({registerHook,
// peertubeHelpers, ...})` is called once; the client then runs the plugins' hooks at
// PeerTube's hook points (`action:application.init`, `filter:api.video-watch.video.get.result`...).
// A script that fails to load, a register() that throws and a handler that throws or
// rejects are caught and logged: the page goes on as if the plugin were not there.

export type ClientScope =
  | 'common'
  | 'video-watch'
  | 'search'
  | 'signup'
  | 'login'
  | 'embed'
  | 'video-edit'
  | 'admin-plugin'
  | 'my-library'
  | 'video-channel'
  | 'my-account';

export interface ClientScript {
  script: string;
  scopes: ClientScope[];
}

/** One entry of ServerConfig's `plugin.registered`. */
export interface RegisteredClientPlugin {
  npmName: string;
  name: string;
  version: string;
  description?: string;
  clientScripts: Record<string, ClientScript>;
}

export type NoticeKind = 'success' | 'info' | 'error';

export interface Notice {
  id: number;
  kind: NoticeKind;
  text: string;
  title?: string;
}

export interface PeerTubeHelpers {
  getBaseStaticRoute: () => string;
  getBaseRouterRoute: () => string;
  getSettings: () => Promise<Record<string, unknown>>;
  getServerConfig: () => Promise<unknown>;
  isLoggedIn: () => boolean;
  getAuthHeader: () => { Authorization: string } | undefined;
  notifier: Record<NoticeKind, (text: string, title?: string, timeout?: number) => void>;
  translate: (value: string) => Promise<string>;
}

interface HookOptions {
  target: string;
  handler: (...args: unknown[]) => unknown;
  priority?: number;
}

interface Hook {
  plugin: string;
  target: string;
  handler: (...args: unknown[]) => unknown;
  priority: number;
  order: number;
}

/** What the host needs from the page: how to import a module, reach the API and the session. */
export interface HostDeps {
  importModule: (url: string) => Promise<{ register?: unknown }>;
  fetchJson: (url: string) => Promise<unknown>;
  serverConfig: () => Promise<unknown>;
  accessToken: () => string | null;
  notify: (kind: NoticeKind, text: string, title?: string, timeout?: number) => void;
  log: (message: string, error?: unknown) => void;
  /** How long hooks wait for the plugin list before running without plugins. */
  readyTimeoutMs?: number;
}

export const scriptUrl = (plugin: RegisteredClientPlugin, script: string) =>
  `/plugins/${encodeURIComponent(plugin.name)}/${encodeURIComponent(plugin.version)}/client-scripts/${script
    .split('/')
    .map(encodeURIComponent)
    .join('/')}`;

export class PluginHost {
  private plugins: RegisteredClientPlugin[] = [];
  private hooks: Hook[] = [];
  private order = 0;
  /** Scripts asked for (by URL): each module loads and registers once, whatever its scopes. */
  private scripts = new Map<string, Promise<void>>();
  private scopes = new Map<ClientScope, Promise<void>>();
  settingsScripts: { plugin: string; script: unknown }[] = [];
  private started = false;
  private markReady: () => void = () => undefined;
  /** Hooks wait for the list of plugins (a page may ask before the config is loaded). */
  private readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));

  constructor(private readonly deps: HostDeps) {}

  /** The installed plugins (from the server's config). Only the first list counts: the page
   * keeps what it loaded until it is reloaded. False when the host had already started. */
  start(plugins: RegisteredClientPlugin[] | undefined): boolean {
    if (this.started) return false;
    this.started = true;
    this.plugins = Array.isArray(plugins) ? plugins.filter((p) => p && typeof p.name === 'string') : [];
    this.markReady();
    return true;
  }

  private async whenReady(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.deps.readyTimeoutMs ?? 10_000)));
    await Promise.race([this.ready, timeout]);
    clearTimeout(timer);
  }

  /** Load (once) every script of this scope; resolves when each has registered or failed. */
  loadScope(scope: ClientScope): Promise<void> {
    if (!this.started) return Promise.resolve();
    let loading = this.scopes.get(scope);
    if (!loading) {
      const wanted: Promise<void>[] = [];
      for (const plugin of this.plugins) {
        for (const [path, script] of Object.entries(plugin.clientScripts ?? {})) {
          if (!Array.isArray(script?.scopes) || !script.scopes.includes(scope)) continue;
          wanted.push(this.loadScript(plugin, path));
        }
      }
      loading = Promise.all(wanted).then(() => undefined);
      this.scopes.set(scope, loading);
    }
    return loading;
  }

  /** A filter: `result` through every handler of `name` (highest priority first), once the
   * scope's scripts are loaded. A failing handler is skipped; so is one returning undefined. */
  async filter<T>(name: string, scope: ClientScope, result: T, params?: unknown): Promise<T> {
    await this.whenReady();
    await this.loadScope(scope);
    let current = result;
    for (const hook of this.handlers(name)) {
      try {
        const next = await hook.handler(current, params);
        if (next !== undefined) current = next as T;
      } catch (err) {
        this.deps.log(`plugin ${hook.plugin}: hook ${name} failed`, err);
      }
    }
    return current;
  }

  /** An action: every handler of `name` is told, once the scope's scripts are loaded. */
  async action(name: string, scope: ClientScope, params?: unknown): Promise<void> {
    await this.whenReady();
    await this.loadScope(scope);
    for (const hook of this.handlers(name)) {
      try {
        await hook.handler(params);
      } catch (err) {
        this.deps.log(`plugin ${hook.plugin}: hook ${name} failed`, err);
      }
    }
  }

  private handlers(name: string): Hook[] {
    return this.hooks.filter((h) => h.target === name).sort((a, b) => b.priority - a.priority || a.order - b.order);
  }

  private loadScript(plugin: RegisteredClientPlugin, path: string): Promise<void> {
    const url = scriptUrl(plugin, path);
    let loading = this.scripts.get(url);
    if (!loading) {
      loading = this.deps
        .importModule(url)
        .then(async (module) => {
          if (typeof module?.register !== 'function') throw new Error('the script exports no register function');
          await module.register(this.registerOptions(plugin));
        })
        .catch((err) => this.deps.log(`plugin ${plugin.name}: ${path} failed to load or register`, err));
      this.scripts.set(url, loading);
    }
    return loading;
  }

  private registerOptions(plugin: RegisteredClientPlugin) {
    const unsupported = (what: string) => () => this.deps.log(`plugin ${plugin.name}: ${what} is not supported by Cirrus`);
    return {
      registerHook: (options: HookOptions) => {
        if (!options || typeof options.target !== 'string' || typeof options.handler !== 'function') {
          this.deps.log(`plugin ${plugin.name}: registerHook needs a target and a handler`);
          return;
        }
        const priority = Number.isFinite(options.priority) ? Number(options.priority) : 0;
        this.hooks.push({ plugin: plugin.name, target: options.target, handler: options.handler, priority, order: this.order++ });
      },
      registerSettingsScript: (script: unknown) => {
        this.settingsScripts.push({ plugin: plugin.npmName, script });
      },
      registerVideoField: unsupported('registerVideoField'),
      registerClientRoute: unsupported('registerClientRoute'),
      peertubeHelpers: this.helpers(plugin),
    };
  }

  helpers(plugin: RegisteredClientPlugin): PeerTubeHelpers {
    const base = `/plugins/${encodeURIComponent(plugin.name)}/${encodeURIComponent(plugin.version)}`;
    const notice = (kind: NoticeKind) => (text: string, title?: string, timeout?: number) =>
      this.deps.notify(kind, String(text), title === undefined ? undefined : String(title), timeout);
    return {
      getBaseStaticRoute: () => `${base}/static`,
      getBaseRouterRoute: () => `${base}/router`,
      getSettings: async () => {
        const answer = (await this.deps.fetchJson(`/api/v1/plugins/${encodeURIComponent(plugin.npmName)}/public-settings`)) as {
          publicSettings?: Record<string, unknown>;
        };
        return answer?.publicSettings ?? {};
      },
      getServerConfig: () => this.deps.serverConfig(),
      isLoggedIn: () => this.deps.accessToken() !== null,
      getAuthHeader: () => {
        const token = this.deps.accessToken();
        return token ? { Authorization: `Bearer ${token}` } : undefined;
      },
      notifier: { success: notice('success'), info: notice('info'), error: notice('error') },
      // Cirrus has no plugin translations (PeerTube's /plugins/translations): the text itself.
      translate: async (value: string) => value,
    };
  }
}

/** A page's notices from plugins (peertubeHelpers.notifier), for the component that shows them. */
export class Notices {
  private items: Notice[] = [];
  private listeners = new Set<(items: Notice[]) => void>();
  private next = 1;

  add(kind: NoticeKind, text: string, title?: string, timeout = 5000, setTimer = setTimeout): void {
    const notice = { id: this.next++, kind, text, title };
    this.items = [...this.items, notice];
    this.emit();
    if (timeout > 0) setTimer(() => this.dismiss(notice.id), timeout);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((n) => n.id !== id);
    this.emit();
  }

  get current(): Notice[] {
    return this.items;
  }

  subscribe(listener: (items: Notice[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit() {
    for (const listener of this.listeners) listener(this.items);
  }
}
