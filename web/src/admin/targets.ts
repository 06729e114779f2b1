// What a moderator types to name things: instances and channels to follow, a video to block,
// an account to mute.

/** Lines of hosts and handles (name@host, a leading @ allowed) for POST /server/following. */
export function followTargets(text: string): { hosts: string[]; handles: string[] } {
  const hosts = new Set<string>();
  const handles = new Set<string>();
  for (const line of text.split(/[\n,]/)) {
    const item = line.trim().replace(/^@/, '');
    if (!item) continue;
    if (item.includes('@')) handles.add(item);
    else hosts.add(item.replace(/^https?:\/\//, '').replace(/\/.*$/, '').toLowerCase());
  }
  return { hosts: [...hosts], handles: [...handles] };
}

/** The video a watch address, an embed address or a bare (short) UUID names; null if none. */
export function videoIdFrom(text: string): string | null {
  const value = text.trim();
  if (!value) return null;
  const match = /\/(?:w|videos\/watch|videos\/embed)\/([A-Za-z0-9-]+)\/?(?:[?#].*)?$/.exec(value);
  if (match) return match[1]!;
  return /^[A-Za-z0-9-]+$/.test(value) ? value : null;
}

/** How a follow is undone or named: an instance by its host, a channel or account by its handle. */
export function followHandle(actor: { name: string; host: string }): string {
  return actor.name === 'peertube' ? actor.host : `${actor.name}@${actor.host}`;
}
