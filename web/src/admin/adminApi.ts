// The calls the Administration area makes (PeerTube's admin routes), and the shapes they
// answer with, as far as the pages read them.
import { session } from '../auth';
import { query } from '../services';
import type { Actor, Labelled, Page, User, Video } from '../types';

export interface Paging {
  start: number;
  count: number;
}

/** A user as GET /api/v1/users lists it (PeerTube's User with its quotas). */
export type AdminUser = User & {
  email: string;
  videoQuota: number;
  videoQuotaDaily: number;
  videoQuotaUsed?: number;
  blockedReason?: string | null;
  createdAt?: string;
};

/** PeerTube's UserRegistration; state 1 pending, 2 rejected, 3 accepted. */
export interface Registration {
  id: number;
  state: Labelled<number>;
  registrationReason: string;
  moderationResponse: string | null;
  username: string;
  email: string;
  emailVerified: boolean | null;
  accountDisplayName: string;
  channelHandle: string | null;
  channelDisplayName: string | null;
  createdAt: string;
}

/** PeerTube's ActorFollow (GET /server/following and /server/followers). */
export interface Follow {
  id: number;
  state: 'pending' | 'accepted' | 'rejected';
  follower: Actor;
  following: Actor;
  createdAt: string;
}

/** PeerTube's AdminAbuse; state 1 pending, 2 rejected, 3 accepted. */
export interface Abuse {
  id: number;
  reason: string;
  predefinedReasons: string[];
  state: Labelled<number>;
  moderationComment: string | null;
  reporterAccount: Actor | null;
  flaggedAccount: Actor | null;
  video: { id: number; uuid: string; name: string; deleted: boolean; blacklisted: boolean } | null;
  comment: { id: number; threadId: number; text: string; deleted: boolean; video: { id: number; name: string; uuid: string } } | null;
  countMessages: number;
  createdAt: string;
}

export interface AbuseMessage {
  id: number;
  message: string;
  byModerator: boolean;
  createdAt: string;
  account: Actor | null;
}

/** PeerTube's VideoBlacklist; type 1 manual, 2 automatic. */
export interface VideoBlock {
  id: number;
  videoId: number;
  reason: string | null;
  unfederated: boolean;
  type: number;
  createdAt: string;
  video: Video | null;
}

export interface BlockedAccount {
  byAccount: Actor;
  blockedAccount: Actor;
  createdAt: string;
}

export interface BlockedServer {
  byAccount: Actor;
  blockedServer: { host: string };
  createdAt: string;
}

const get = <T>(path: string, signal?: AbortSignal) => session.json<T>(path, { signal });
const post = (path: string, json: unknown = {}) => session.send(path, { method: 'POST', json });
const remove = (path: string) => session.send(path, { method: 'DELETE' });
const enc = encodeURIComponent;

export const adminApi = {
  users: (paging: Paging & { search?: string; blocked?: boolean }, signal?: AbortSignal) =>
    get<Page<AdminUser>>(`/api/v1/users${query({ ...paging, sort: '-createdAt' })}`, signal),
  user: (id: number, signal?: AbortSignal) => get<AdminUser>(`/api/v1/users/${id}`, signal),
  createUser: (fields: Record<string, unknown>) =>
    session.json<{ user: { id: number } }>('/api/v1/users', { method: 'POST', json: fields }),
  updateUser: (id: number, fields: Record<string, unknown>) => session.send(`/api/v1/users/${id}`, { method: 'PUT', json: fields }),
  deleteUser: (id: number) => remove(`/api/v1/users/${id}`),
  blockUser: (id: number, reason: string) => post(`/api/v1/users/${id}/block`, reason ? { reason } : {}),
  unblockUser: (id: number) => post(`/api/v1/users/${id}/unblock`),

  registrations: (paging: Paging, signal?: AbortSignal) =>
    get<Page<Registration>>(`/api/v1/users/registrations${query({ ...paging, sort: '-createdAt' })}`, signal),
  acceptRegistration: (id: number, moderationResponse: string) =>
    post(`/api/v1/users/registrations/${id}/accept`, { moderationResponse }),
  rejectRegistration: (id: number, moderationResponse: string) =>
    post(`/api/v1/users/registrations/${id}/reject`, { moderationResponse }),
  deleteRegistration: (id: number) => remove(`/api/v1/users/registrations/${id}`),

  following: (paging: Paging, signal?: AbortSignal) =>
    get<Page<Follow>>(`/api/v1/server/following${query({ ...paging, sort: '-createdAt' })}`, signal),
  followers: (paging: Paging, signal?: AbortSignal) =>
    get<Page<Follow>>(`/api/v1/server/followers${query({ ...paging, sort: '-createdAt' })}`, signal),
  follow: (targets: { hosts: string[]; handles: string[] }) => post('/api/v1/server/following', targets),
  unfollow: (hostOrHandle: string) => remove(`/api/v1/server/following/${enc(hostOrHandle)}`),
  acceptFollower: (handle: string) => post(`/api/v1/server/followers/${enc(handle)}/accept`),
  rejectFollower: (handle: string) => post(`/api/v1/server/followers/${enc(handle)}/reject`),
  removeFollower: (handle: string) => remove(`/api/v1/server/followers/${enc(handle)}`),

  abuses: (paging: Paging & { state?: number; filter?: string; search?: string }, signal?: AbortSignal) =>
    get<Page<Abuse>>(`/api/v1/abuses${query({ ...paging, sort: '-createdAt' })}`, signal),
  updateAbuse: (id: number, fields: { state?: number; moderationComment?: string }) =>
    session.send(`/api/v1/abuses/${id}`, { method: 'PUT', json: fields }),
  abuseMessages: (id: number, signal?: AbortSignal) => get<Page<AbuseMessage>>(`/api/v1/abuses/${id}/messages`, signal),
  addAbuseMessage: (id: number, message: string) => post(`/api/v1/abuses/${id}/messages`, { message }),

  videoBlocks: (paging: Paging & { search?: string; type?: number }, signal?: AbortSignal) =>
    get<Page<VideoBlock>>(`/api/v1/videos/blacklist${query({ ...paging, sort: '-createdAt' })}`, signal),
  blockVideo: (videoId: number | string, reason: string, unfederate: boolean) =>
    post(`/api/v1/videos/${videoId}/blacklist`, { ...(reason ? { reason } : {}), unfederate }),
  unblockVideo: (videoId: number) => remove(`/api/v1/videos/${videoId}/blacklist`),

  blockedAccounts: (paging: Paging, signal?: AbortSignal) =>
    get<Page<BlockedAccount>>(`/api/v1/server/blocklist/accounts${query({ ...paging, sort: '-createdAt' })}`, signal),
  blockAccount: (accountName: string) => post('/api/v1/server/blocklist/accounts', { accountName }),
  unblockAccount: (accountName: string) => remove(`/api/v1/server/blocklist/accounts/${enc(accountName)}`),
  blockedServers: (paging: Paging, signal?: AbortSignal) =>
    get<Page<BlockedServer>>(`/api/v1/server/blocklist/servers${query({ ...paging, sort: '-createdAt' })}`, signal),
  blockServer: (host: string) => post('/api/v1/server/blocklist/servers', { host }),
  unblockServer: (host: string) => remove(`/api/v1/server/blocklist/servers/${enc(host)}`),
};
