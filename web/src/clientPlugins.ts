// The page's one plugin host (./pluginHost.ts), wired to the browser: modules imported from
// the plugin's client-scripts URL, the API through the session, notices on the page.
import { getConfig } from './api';
import { session } from './auth';
import { Notices, PluginHost, type ClientScope, type RegisteredClientPlugin } from './pluginHost';

export const notices = new Notices();

export const clientPlugins = new PluginHost({
  importModule: (url) => import(/* @vite-ignore */ url),
  fetchJson: (url) => session.json(url),
  serverConfig: () => getConfig(),
  accessToken: () => session.tokens?.accessToken ?? null,
  notify: (kind, text, title, timeout) => notices.add(kind, text, title, timeout),
  log: (message, error) => console.error(`[plugins] ${message}`, error ?? ''),
});

/** `filter` and `action` of the page's host, for the pages' hook points. */
export const runFilter = <T>(name: string, scope: ClientScope, result: T, params?: unknown) =>
  clientPlugins.filter(name, scope, result, params);
export const runAction = (name: string, scope: ClientScope, params?: unknown) => clientPlugins.action(name, scope, params);

/** PeerTube's /plugins/global.css, once per page, when plugins are installed; its URL
 * changes with the installed versions, so the browser may keep it. */
export function linkGlobalCss(plugins: RegisteredClientPlugin[], doc: Document = document): void {
  if (plugins.length === 0 || doc.getElementById('plugins-global-css')) return;
  const link = doc.createElement('link');
  link.id = 'plugins-global-css';
  link.rel = 'stylesheet';
  link.href = `/plugins/global.css?hash=${encodeURIComponent(plugins.map((p) => `${p.name}@${p.version}`).join(','))}`;
  doc.head.appendChild(link);
}
