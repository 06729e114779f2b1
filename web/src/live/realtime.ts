// A live's state and audience as they change, from PeerTube's socket.io namespace
// `/live-videos` (served by Cirrus's realtime channel, docs/realtime.md): the client sends
// `subscribe {videoId}` and the server emits `state-change {state}` and `views-change
// {viewers}` to everyone watching that live, and `force-end` when staff stop it.

/** What the page hears about a live. */
export interface LiveListener {
  state: (state: number) => void;
  viewers: (count: number) => void;
  forceEnd?: () => void;
}

/** The part of a socket.io client socket this module uses (a fake in the tests). */
export interface LiveSocket {
  on(event: string, handler: (payload: unknown) => void): unknown;
  emit(event: string, payload: unknown): unknown;
  disconnect(): unknown;
  connected?: boolean;
}

const number = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** Subscribe `socket` to the live `videoId` (its numeric id, as PeerTube's clients send it). */
export function followLive(socket: LiveSocket, videoId: number, listener: LiveListener): () => void {
  // (Re)subscribe on every connection: the server forgets rooms when a connection ends.
  socket.on('connect', () => socket.emit('subscribe', { videoId }));
  if (socket.connected) socket.emit('subscribe', { videoId });
  socket.on('state-change', (payload) => {
    const state = number((payload as { state?: unknown } | null)?.state);
    if (state !== null) listener.state(state);
  });
  socket.on('views-change', (payload) => {
    // PeerTube 6+ sends `viewers`; older servers sent `views`.
    const body = payload as { viewers?: unknown; views?: unknown } | null;
    const count = number(body?.viewers) ?? number(body?.views);
    if (count !== null) listener.viewers(count);
  });
  socket.on('force-end', () => listener.forceEnd?.());
  return () => {
    socket.emit('unsubscribe', { videoId });
    socket.disconnect();
  };
}

/**
 * A websocket to this instance's `/live-videos` namespace. socket.io-client is loaded only
 * when a live is opened, so other pages do not download it.
 */
export async function liveSocket(): Promise<LiveSocket> {
  const { io } = await import('socket.io-client');
  return io(`${location.origin}/live-videos`, { path: '/socket.io/', transports: ['websocket'] });
}
