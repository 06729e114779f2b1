/**
 * The embed's end of the message channel `@peertube/embed-api` opens to a PeerTube embed
 * (Mozilla's jschannel protocol, which that package bundles), written from its wire format:
 *
 * - every message is a JSON string sent with window.postMessage to any origin (the embed
 *   cannot know who frames it, and says nothing private);
 * - a method is named `<scope>::<name>`, the scope being `peertube` unless the page asks for
 *   another one;
 * - each side opens with `__ready` `{type: 'publish-request', publish: []}`; the side that
 *   hears it first is ready, answers `{type: 'publish-reply', publish: []}`, and sends what it
 *   queued meanwhile (the host's request is usually lost: it is sent before the embed loads);
 * - a call is `{id, method, params}`, answered `{id, result}` or `{id, error, message}`;
 *   a notification is `{method, params}` without an id.
 *
 * Only messages from the framing window itself, with an object body, in our scope, are read.
 */

export type Handler = (params: unknown) => unknown;

export interface Channel {
  notify(method: string, params?: unknown): void;
  destroy(): void;
}

interface Wire {
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

/** What a method's failure tells the caller, as jschannel reports a thrown error. */
function failure(error: unknown): { error: string; message: string } {
  if (error instanceof Error) return { error: error.name || 'runtime_error', message: error.message };
  return { error: 'runtime_error', message: typeof error === 'string' ? error : JSON.stringify(error) ?? String(error) };
}

export function openChannel(options: {
  /** The window at the other end (the embedding page: window.parent). */
  peer: Window;
  /** Where messages arrive (this window). */
  host?: Window;
  scope?: string;
  methods: Record<string, Handler>;
}): Channel {
  const { peer, methods } = options;
  const host = options.host ?? window;
  const scope = options.scope ?? 'peertube';
  let ready = false;
  let queued: object[] = [];

  const post = (message: object, force = false) => {
    if (!ready && !force) {
      queued.push(message);
      return;
    }
    peer.postMessage(JSON.stringify(message), '*');
  };

  const becomeReady = () => {
    if (ready) return;
    ready = true;
    const waiting = queued;
    queued = [];
    waiting.forEach((message) => post(message));
  };

  const answer = async (id: unknown, name: string, params: unknown) => {
    const method = Object.prototype.hasOwnProperty.call(methods, name) ? methods[name] : undefined;
    if (!method) {
      post({ id, error: 'method_not_found', message: `No method '${name}' was (yet) bound by the provider` });
      return;
    }
    try {
      const result = await method(params);
      post({ id, result });
    } catch (error) {
      post({ id, ...failure(error) });
    }
  };

  const received = (event: MessageEvent) => {
    if (event.source !== peer || typeof event.data !== 'string') return;
    let message: Wire;
    try {
      message = JSON.parse(event.data) as Wire;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null || typeof message.method !== 'string') return;
    const [messageScope, name, ...rest] = message.method.split('::');
    if (messageScope !== scope || name === undefined || rest.length > 0) return;
    if (name === '__ready') {
      const kind = (message.params as { type?: unknown } | null)?.type;
      if (kind === 'publish-request' && !ready) post({ method: `${scope}::__ready`, params: { type: 'publish-reply', publish: [] } }, true);
      becomeReady();
      return;
    }
    if (name === '__bind' || name === '__unbind') return; // the host publishes nothing we call
    if (message.id !== undefined) void answer(message.id, name, message.params);
  };

  host.addEventListener('message', received);
  // Our own request: the host, built before we loaded, missed its own.
  post({ method: `${scope}::__ready`, params: { type: 'publish-request', publish: [] } }, true);

  return {
    notify(method, params) {
      post(params === undefined ? { method: `${scope}::${method}` } : { method: `${scope}::${method}`, params });
    },
    destroy() {
      host.removeEventListener('message', received);
      queued = [];
      ready = false;
    },
  };
}
