// A tiny History API router: path patterns with `:param` segments, in-app
// link interception, and an AbortSignal per navigation so a view can drop
// work that a newer navigation has made stale.

export type Params = Record<string, string>;

export interface Route<T> {
  /** A pattern such as "/", "/about" or "/w/:id". */
  path: string;
  value: T;
}

export interface RouteMatch<T> {
  route: Route<T>;
  params: Params;
}

export type NavigationHandler<T> = (
  match: RouteMatch<T> | null,
  url: URL,
  signal: AbortSignal,
) => void | Promise<void>;

/** The parts of `window` the router uses; tests pass a stand-in. */
export interface RouterEnv {
  location: { href: string };
  history: Pick<History, 'pushState' | 'replaceState'>;
  addEventListener(type: 'click' | 'popstate', listener: (event: Event) => void): void;
  removeEventListener(type: 'click' | 'popstate', listener: (event: Event) => void): void;
}

function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/**
 * Match a pathname against a pattern. Returns the captured `:param` values
 * (URI-decoded), or null when it does not match. A trailing slash is ignored.
 */
export function matchPath(pattern: string, pathname: string): Params | null {
  const want = segments(pattern);
  const got = segments(pathname);
  if (want.length !== got.length) return null;
  const params: Params = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':')) {
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        return null; // malformed percent-encoding
      }
    } else if (w !== g) {
      return null;
    }
  }
  return params;
}

/** The first route whose pattern matches the pathname, or null. */
export function matchRoute<T>(routes: readonly Route<T>[], pathname: string): RouteMatch<T> | null {
  for (const route of routes) {
    const params = matchPath(route.path, pathname);
    if (params) return { route, params };
  }
  return null;
}

function sameDocument(a: URL, b: URL): boolean {
  return a.origin === b.origin && a.pathname === b.pathname && a.search === b.search;
}

export class Router<T> {
  private controller: AbortController | null = null;
  private current: URL | null = null;
  private readonly env: RouterEnv;

  constructor(
    private readonly routes: readonly Route<T>[],
    private readonly handler: NavigationHandler<T>,
    env?: RouterEnv,
  ) {
    this.env = env ?? window;
  }

  /** Listen for link clicks and back/forward, then render the current URL. */
  start(): Promise<void> {
    this.env.addEventListener('click', this.onClick);
    this.env.addEventListener('popstate', this.onPopState);
    return this.resolve(new URL(this.env.location.href));
  }

  stop(): void {
    this.env.removeEventListener('click', this.onClick);
    this.env.removeEventListener('popstate', this.onPopState);
    this.controller?.abort();
  }

  /** Go to an in-app path (e.g. "/about" or "/search?search=cats"). */
  navigate(to: string, options: { replace?: boolean } = {}): Promise<void> {
    const url = new URL(to, this.env.location.href);
    const href = url.pathname + url.search + url.hash;
    if (options.replace) this.env.history.replaceState(null, '', href);
    else if (url.href !== this.env.location.href) this.env.history.pushState(null, '', href);
    return this.resolve(url);
  }

  /** Whether a URL is one this router renders itself. */
  handles(url: URL): boolean {
    return url.origin === new URL(this.env.location.href).origin && matchRoute(this.routes, url.pathname) !== null;
  }

  private async resolve(url: URL): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.current = url;
    await this.handler(matchRoute(this.routes, url.pathname), url, controller.signal);
  }

  private readonly onPopState = (): void => {
    const url = new URL(this.env.location.href);
    // A fragment-only change (e.g. the skip link) is not a new page.
    if (this.current && sameDocument(url, this.current)) return;
    void this.resolve(url);
  };

  private readonly onClick = (event: Event): void => {
    const e = event as MouseEvent;
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const target = e.target as Element | null;
    const anchor = target?.closest?.('a');
    if (!anchor || !anchor.hasAttribute('href') || anchor.hasAttribute('download')) return;
    if (anchor.target && anchor.target !== '_self') return;
    const url = new URL(anchor.href, this.env.location.href);
    if (!this.handles(url)) return;
    if (url.hash && this.current && sameDocument(url, this.current)) return; // in-page anchor
    e.preventDefault();
    void this.navigate(url.pathname + url.search + url.hash);
  };
}
