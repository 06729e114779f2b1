// Channel collaborators (PeerTube 8): the API calls, and what the channel editor and the
// notifications show of them.
import { useEffect, useMemo, useState } from 'react';
import { session } from './auth';
import type { Channel, Page, User } from './types';

export const CollaboratorState = { PENDING: 1, ACCEPTED: 2, REJECTED: 3 } as const;

export interface Collaborator {
  id: number;
  account: { id: number; name: string; displayName: string; host: string };
  state: { id: number; label: string };
  createdAt: string;
  updatedAt: string;
}

const base = (channel: string) => `/api/v1/video-channels/${encodeURIComponent(channel)}/collaborators`;

export const collaborators = {
  list: (channel: string, signal?: AbortSignal) =>
    session.json<{ total: number; data: Collaborator[] }>(base(channel), { signal }),
  invite: (channel: string, accountHandle: string) =>
    session.json<{ collaborator: Collaborator }>(`${base(channel)}/invite`, { method: 'POST', json: { accountHandle } }),
  accept: (channel: string, id: number) => session.send(`${base(channel)}/${id}/accept`, { method: 'POST' }),
  reject: (channel: string, id: number) => session.send(`${base(channel)}/${id}/reject`, { method: 'POST' }),
  remove: (channel: string, id: number) => session.send(`${base(channel)}/${id}`, { method: 'DELETE' }),
};

/** A handle as PeerTube's invite wants it: the account's name, `@` and host dropped for local ones. */
export function inviteHandle(typed: string, instanceHost: string): string {
  const trimmed = typed.trim().replace(/^@/, '');
  const [name, host] = trimmed.split('@');
  return host && name && host.toLowerCase() === instanceHost.toLowerCase() ? name : trimmed;
}

/** "Pending" or "Collaborator", as the channel editor lists them. */
export function stateText(collaborator: Collaborator): string {
  return collaborator.state.id === CollaboratorState.ACCEPTED ? 'Collaborator' : 'Invitation pending';
}

/** The channels the signed-in user may publish in: their own (users/me) and, after one more
 * request, those they collaborate on (PeerTube 8's `includeCollaborations`). */
export function usePublishingChannels(me: User | null | undefined): Channel[] {
  const own = useMemo(() => me?.videoChannels ?? [], [me]);
  const [shared, setShared] = useState<Channel[]>([]);
  const account = me?.account?.name;
  useEffect(() => {
    if (!account) return;
    const controller = new AbortController();
    const path = `/api/v1/accounts/${encodeURIComponent(account)}/video-channels?includeCollaborations=true&count=100`;
    session
      .json<Page<Channel>>(path, { signal: controller.signal })
      .then((page) => setShared(page.data))
      .catch(() => setShared([])); // their own channels still work
    return () => controller.abort();
  }, [account]);
  return useMemo(() => {
    const ids = new Set(own.map((c) => c.id));
    return [...own, ...shared.filter((c) => !ids.has(c.id))];
  }, [own, shared]);
}
