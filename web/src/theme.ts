// PeerTube themes (docs/appearance.md): the instance's default or the user's own choice,
// applied as PeerTube's client does: a built-in theme by <html data-pt-theme>, an installed
// theme package by its stylesheets, served at PeerTube's paths by the build.
import { session } from './auth';
import type { ServerConfig } from './api';

export const DEFAULT_THEME = 'default';
export const INSTANCE_DEFAULT = 'instance-default';

export interface RegisteredTheme {
  npmName: string;
  name: string;
  version: string;
  description: string;
  css: string[];
}

/** The parts of GET /api/v1/config the appearance uses. */
export interface AppearanceConfig {
  instance: {
    avatars?: ActorImage[];
    banners?: ActorImage[];
    logo?: { fileUrl: string; width: number; height: number; type: string; isFallback: boolean }[];
    defaultClientRoute?: string;
  };
  homepage?: { enabled: boolean };
  theme?: { registered: RegisteredTheme[]; builtIn: { name: string }[]; default: string };
}

export interface ActorImage {
  path: string;
  fileUrl?: string;
  width: number;
  height: number;
}

export const appearanceOf = (config: ServerConfig | null): AppearanceConfig | null =>
  config as unknown as AppearanceConfig | null;

/** Every theme name a user or the administrator may pick, with a label. */
export function themeChoices(config: AppearanceConfig | null): { name: string; label: string }[] {
  const theme = config?.theme;
  return [
    { name: DEFAULT_THEME, label: 'Cirrus (default)' },
    ...(theme?.builtIn ?? []).map((t) => ({ name: t.name, label: builtInLabel(t.name) })),
    ...(theme?.registered ?? []).map((t) => ({ name: t.name, label: `${t.name} (${t.description})` })),
  ];
}

function builtInLabel(name: string): string {
  if (name === 'peertube-core-dark-brown') return 'PeerTube dark brown';
  if (name === 'peertube-core-light-beige') return 'PeerTube light beige';
  return name;
}

/** The theme in force: the user's unless they follow the instance, then the instance's;
 * an unknown name (an uninstalled theme) falls back to the instance's, then the default. */
export function chosenTheme(config: AppearanceConfig | null, userTheme: string | undefined | null): string {
  const known = new Set(themeChoices(config).map((t) => t.name));
  const instance = config?.theme?.default ?? DEFAULT_THEME;
  if (userTheme && userTheme !== INSTANCE_DEFAULT && known.has(userTheme)) return userTheme;
  return known.has(instance) ? instance : DEFAULT_THEME;
}

/** The stylesheets of an installed theme package, at PeerTube's /themes paths. */
export function themeStylesheets(config: AppearanceConfig | null, name: string): string[] {
  const theme = config?.theme?.registered.find((t) => t.name === name);
  if (!theme) return [];
  return theme.css.map((file) => `/themes/${theme.name}/${theme.version}/css/${file.replace(/^\/+/, '')}`);
}

const LINK_ATTRIBUTE = 'data-pt-theme-css';

/** Apply a theme to the document: the attribute for built-in ones, the links for packages. */
export function applyTheme(config: AppearanceConfig | null, name: string, doc: Document = document): void {
  const builtIn = config?.theme?.builtIn.some((t) => t.name === name) ?? false;
  doc.documentElement.dataset.ptTheme = builtIn ? name : DEFAULT_THEME;
  const wanted = themeStylesheets(config, name);
  for (const link of Array.from(doc.head.querySelectorAll<HTMLLinkElement>(`link[${LINK_ATTRIBUTE}]`))) {
    if (!wanted.includes(link.getAttribute('href') ?? '')) link.remove();
  }
  for (const href of wanted) {
    if (doc.head.querySelector(`link[${LINK_ATTRIBUTE}][href="${CSS.escape(href)}"]`)) continue;
    const link = doc.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    link.setAttribute(LINK_ATTRIBUTE, name);
    doc.head.appendChild(link);
  }
}

/** PUT /api/v1/users/me with the user's own theme. */
export const saveMyTheme = (theme: string) => session.send('/api/v1/users/me', { method: 'PUT', json: { theme } });

/** The instance's homepage, or null when none is set (404). */
export async function loadHomepage(signal?: AbortSignal): Promise<string | null> {
  const res = await fetch('/api/v1/custom-pages/homepage/instance', { headers: { Accept: 'application/json' }, signal });
  if (res.status === 404) return null;
  if (!res.ok) throw new Error('The homepage could not be loaded.');
  const body = (await res.json()) as { content?: unknown };
  return typeof body.content === 'string' ? body.content : null;
}

/** Whether `/` opens the homepage: PeerTube's client opens instance.defaultClientRoute. */
export const homeIsCustomPage = (config: AppearanceConfig | null): boolean =>
  config?.instance.defaultClientRoute === '/home' && config.homepage?.enabled === true;

/** The favicon the administrator uploaded (PeerTube's `favicon` logo), if any. */
export function applyFavicon(config: AppearanceConfig | null, doc: Document = document): void {
  const favicon = config?.instance.logo?.find((l) => l.type === 'favicon' && !l.isFallback);
  let link = doc.head.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!favicon) return;
  if (!link) {
    link = doc.createElement('link');
    link.rel = 'icon';
    doc.head.appendChild(link);
  }
  link.href = favicon.fileUrl;
}
