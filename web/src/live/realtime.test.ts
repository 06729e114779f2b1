import { describe, expect, it } from 'vitest';
import { followLive, type LiveSocket } from './realtime';

class FakeSocket implements LiveSocket {
  handlers = new Map<string, ((payload: unknown) => void)[]>();
  sent: [string, unknown][] = [];
  connected = false;
  closed = false;
  on(event: string, handler: (payload: unknown) => void) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
  }
  emit(event: string, payload: unknown) {
    this.sent.push([event, payload]);
  }
  disconnect() {
    this.closed = true;
  }
  fire(event: string, payload?: unknown) {
    for (const handler of this.handlers.get(event) ?? []) handler(payload);
  }
}

describe('followLive', () => {
  it('subscribes on each connection and reports states and viewers', () => {
    const socket = new FakeSocket();
    const states: number[] = [];
    const viewers: number[] = [];
    followLive(socket, 42, { state: (s) => states.push(s), viewers: (v) => viewers.push(v) });
    expect(socket.sent).toEqual([]);
    socket.fire('connect');
    socket.fire('connect'); // a reconnection subscribes again
    expect(socket.sent).toEqual([
      ['subscribe', { videoId: 42 }],
      ['subscribe', { videoId: 42 }],
    ]);
    socket.fire('state-change', { state: 1 });
    socket.fire('views-change', { viewers: 7 });
    socket.fire('views-change', { views: 3 });
    expect(states).toEqual([1]);
    expect(viewers).toEqual([7, 3]);
  });

  it('ignores payloads that are not numbers', () => {
    const socket = new FakeSocket();
    const heard: unknown[] = [];
    followLive(socket, 1, { state: (s) => heard.push(s), viewers: (v) => heard.push(v) });
    socket.fire('state-change', { state: '1' });
    socket.fire('state-change', null);
    socket.fire('views-change', { viewers: Number.NaN });
    socket.fire('views-change', 'x');
    expect(heard).toEqual([]);
  });

  it('subscribes at once when already connected, and unsubscribes and closes when stopped', () => {
    const socket = new FakeSocket();
    socket.connected = true;
    let ended = false;
    const stop = followLive(socket, 5, { state: () => undefined, viewers: () => undefined, forceEnd: () => (ended = true) });
    socket.fire('force-end');
    stop();
    expect(ended).toBe(true);
    expect(socket.sent).toEqual([
      ['subscribe', { videoId: 5 }],
      ['unsubscribe', { videoId: 5 }],
    ]);
    expect(socket.closed).toBe(true);
  });
});
