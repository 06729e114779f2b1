import { describe, expect, it } from 'vitest';
import { openChannel } from './channel';

/** A window that records what is posted to it and lets the test deliver messages. */
function fakeWindows() {
  const sent: unknown[] = [];
  const listeners: ((e: MessageEvent) => void)[] = [];
  const parent = { postMessage: (data: string, origin: string) => sent.push({ ...JSON.parse(data), origin }) } as unknown as Window;
  const stranger = { postMessage: () => undefined } as unknown as Window;
  const host = {
    addEventListener: (_: string, l: (e: MessageEvent) => void) => listeners.push(l),
    removeEventListener: (_: string, l: (e: MessageEvent) => void) => listeners.splice(listeners.indexOf(l), 1),
  } as unknown as Window;
  const deliver = (message: unknown, source: Window = parent) =>
    listeners.forEach((l) => l({ source, data: JSON.stringify(message) } as MessageEvent));
  return { sent, parent, stranger, host, deliver, listeners };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('the embed end of the jschannel protocol', () => {
  it('opens with its own publish request, answers the host, then sends what it queued', () => {
    const w = fakeWindows();
    const channel = openChannel({ peer: w.parent, host: w.host, methods: {} });
    channel.notify('ready', true);
    expect(w.sent).toEqual([{ method: 'peertube::__ready', params: { type: 'publish-request', publish: [] }, origin: '*' }]);
    w.deliver({ method: 'peertube::__ready', params: { type: 'publish-request', publish: [] } });
    expect(w.sent.slice(1)).toEqual([
      { method: 'peertube::__ready', params: { type: 'publish-reply', publish: [] }, origin: '*' },
      { method: 'peertube::ready', params: true, origin: '*' },
    ]);
  });

  it('answers calls with their result, an unknown method or a failure as jschannel does', async () => {
    const w = fakeWindows();
    openChannel({
      peer: w.parent,
      host: w.host,
      methods: { getVolume: () => 0.5, seek: async (s) => void s, play: () => Promise.reject(new Error('blocked')) },
    });
    w.deliver({ method: 'peertube::__ready', params: { type: 'publish-reply', publish: [] } });
    w.deliver({ id: 7, method: 'peertube::getVolume' });
    w.deliver({ id: 8, method: 'peertube::seek', params: 3 });
    w.deliver({ id: 9, method: 'peertube::nothing' });
    w.deliver({ id: 10, method: 'peertube::play' });
    await flush();
    // Answers go out as each call settles, in any order.
    expect(w.sent).toHaveLength(5);
    expect(w.sent.slice(1)).toEqual(expect.arrayContaining([
      { id: 7, result: 0.5, origin: '*' },
      { id: 9, error: 'method_not_found', message: "No method 'nothing' was (yet) bound by the provider", origin: '*' },
      { id: 8, origin: '*' },
      { id: 10, error: 'Error', message: 'blocked', origin: '*' },
    ]));
  });

  it('ignores other windows, other scopes, prototype names and what is not a JSON object', async () => {
    const w = fakeWindows();
    const channel = openChannel({ peer: w.parent, host: w.host, scope: 'mine', methods: { getVolume: () => 1 } });
    w.deliver({ method: 'mine::__ready', params: { type: 'publish-reply', publish: [] } });
    w.deliver({ id: 1, method: 'mine::getVolume' }, w.stranger);
    w.deliver({ id: 2, method: 'peertube::getVolume' });
    w.deliver({ id: 3, method: 'mine::toString' });
    w.listeners.forEach((l) => l({ source: w.parent, data: 'not json' } as MessageEvent));
    w.listeners.forEach((l) => l({ source: w.parent, data: { id: 4, method: 'mine::getVolume' } } as MessageEvent));
    await flush();
    expect(w.sent.slice(1)).toEqual([
      { id: 3, error: 'method_not_found', message: "No method 'toString' was (yet) bound by the provider", origin: '*' },
    ]);
    channel.destroy();
    expect(w.listeners).toHaveLength(0);
  });
});
