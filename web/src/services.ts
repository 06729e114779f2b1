// The API calls the pages make, typed. Calls that need a signed-in user go through the
// session, which adds the bearer token and renews it.
import { session } from './auth';
import { passwordHeaders } from './videoPassword';
import type { VideoFileToken } from './videoFiles';
import type { PlaybackReport } from './playbackMetrics';
import type { FileTask, PresignedUpload, StudioEdit } from './studio';
import type { InstalledPlugin, RegisteredSetting } from './plugins';
import type { Channel, ChannelSync, Chapter, Comment, CommentTree, CustomConfig, InstanceFollow, Job, LiveVideo, MirroredVideo, OwnershipChange, Page, Playlist, PlaylistElement, Runner, RunnerJob, RunnerRegistrationToken, Storyboard, TokenSession, User, Video, VideoDetails, VideoImport } from './types';

export function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
}

const get = <T>(path: string, signal?: AbortSignal, headers?: Record<string, string>) =>
  session.json<T>(path, { signal, headers });

export const api = {
  videos: (params: Record<string, string | number | boolean | undefined>, signal?: AbortSignal) =>
    get<Page<Video>>(`/api/v1/videos${query(params)}`, signal),
  video: (id: string, signal?: AbortSignal) =>
    get<VideoDetails>(`/api/v1/videos/${encodeURIComponent(id)}`, signal, passwordHeaders(id)),
  // A live's settings (PeerTube's LiveVideo); anyone may read its latency mode, only its
  // owner sees the stream key.
  live: (id: number, signal?: AbortSignal) => get<LiveVideo>(`/api/v1/videos/live/${id}`, signal),
  createLive: (fields: Record<string, unknown>) =>
    session.json<{ video: { id: number; uuid: string; shortUUID: string } }>('/api/v1/videos/live', {
      method: 'POST',
      json: fields,
    }),
  // Imports by URL (PeerTube's VideoImport): started at once, fetched by the server.
  startImport: (fields: Record<string, unknown>) =>
    session.json<VideoImport>('/api/v1/videos/imports', { method: 'POST', json: fields }),
  myImports: (signal?: AbortSignal) =>
    get<Page<VideoImport>>(`/api/v1/users/me/videos/imports${query({ sort: '-createdAt', count: 20 })}`, signal),
  // A torrent file goes as multipart (PeerTube's `torrentfile`).
  startTorrentImport: (fields: Record<string, string>, torrent: File) => {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    form.append('torrentfile', torrent, torrent.name);
    return session.json<VideoImport>('/api/v1/videos/imports', { method: 'POST', body: form });
  },
  // Channel synchronisation (PeerTube's VideoChannelSync).
  channelSyncs: (account: string, signal?: AbortSignal) =>
    get<Page<ChannelSync>>(`/api/v1/accounts/${encodeURIComponent(account)}/video-channel-syncs${query({ count: 100 })}`, signal),
  createChannelSync: (externalChannelUrl: string, videoChannelId: number) =>
    session.json<{ videoChannelSync: ChannelSync }>('/api/v1/video-channel-syncs', {
      method: 'POST',
      json: { externalChannelUrl, videoChannelId },
    }),
  deleteChannelSync: (id: number) => session.send(`/api/v1/video-channel-syncs/${id}`, { method: 'DELETE' }),
  syncChannelNow: (id: number) => session.send(`/api/v1/video-channel-syncs/${id}/sync`, { method: 'POST' }),
  retryImport: (id: number) => session.send(`/api/v1/videos/imports/${id}/retry`, { method: 'POST' }),
  cancelImport: (id: number) => session.send(`/api/v1/videos/imports/${id}/cancel`, { method: 'POST' }),
  deleteImport: (id: number) => session.send(`/api/v1/videos/imports/${id}`, { method: 'DELETE' }),
  // The studio (PeerTube's studio/edit): tasks as JSON, each file posted to storage first
  // with the presigned form studioUpload hands out (Cirrus's upload-s3, docs/studio.md).
  studioUpload: (id: number | string, task: FileTask) =>
    session.json<PresignedUpload>(`/api/v1/videos/${id}/studio/upload-s3`, { method: 'POST', json: { task } }),
  studioEdit: (id: number | string, edit: StudioEdit) =>
    session.send(`/api/v1/videos/${id}/studio/edit`, { method: 'POST', json: edit }),
  giveOwnership: (id: number | string, username: string) =>
    session.send(`/api/v1/videos/${id}/give-ownership`, { method: 'POST', json: { username } }),
  ownershipChanges: (signal?: AbortSignal) =>
    get<Page<OwnershipChange>>(`/api/v1/videos/ownership${query({ sort: '-createdAt', count: 50 })}`, signal),
  acceptOwnership: (id: number, channelId: number) =>
    session.send(`/api/v1/videos/ownership/${id}/accept`, { method: 'POST', json: { channelId } }),
  refuseOwnership: (id: number) => session.send(`/api/v1/videos/ownership/${id}/refuse`, { method: 'POST', json: {} }),
  updateVideo: (id: number | string, fields: Record<string, unknown>) =>
    session.send(`/api/v1/videos/${id}`, { method: 'PUT', json: fields }),
  // A video file token (for private video files); the session or the video's password opens it.
  videoToken: (id: number) =>
    session.json<VideoFileToken>(`/api/v1/videos/${id}/token`, { method: 'POST', headers: passwordHeaders(id) }),
  // The video's chapters (its owner's, or its description's timecodes).
  chapters: (id: number, signal?: AbortSignal) =>
    get<{ chapters: Chapter[] }>(`/api/v1/videos/${id}/chapters`, signal, passwordHeaders(id)),
  // The sprite sheet shown over the seek bar (none before it is made, or for a short video).
  storyboards: (id: number, signal?: AbortSignal) =>
    get<{ storyboards: Storyboard[] }>(`/api/v1/videos/${id}/storyboards`, signal, passwordHeaders(id)),
  deleteVideo: (id: number) => session.send(`/api/v1/videos/${id}`, { method: 'DELETE' }),
  view: (id: number, currentTime: number, sessionId: string, viewEvent?: 'seek') =>
    session.send(`/api/v1/videos/${id}/views`, {
      method: 'POST',
      json: { currentTime: Math.floor(currentTime), sessionId, ...(viewEvent ? { viewEvent } : {}) },
      headers: passwordHeaders(id),
    }),
  // The player's playback metrics (every 15 s while playing).
  playbackMetrics: (id: number, report: PlaybackReport) =>
    session.send('/api/v1/metrics/playback', { method: 'POST', json: report, headers: passwordHeaders(id) }),
  // A video's statistics, for its owner and moderators (docs/stats.md).
  videoStats: <T>(id: number | string, path: string, signal?: AbortSignal) =>
    session.json<T>(`/api/v1/videos/${id}/stats/${path}`, { signal }),
  serverStats: (signal?: AbortSignal) => get<Record<string, unknown>>('/api/v1/server/stats', signal),
  myRating: (id: number, signal?: AbortSignal) =>
    get<{ rating: 'like' | 'dislike' | 'none' }>(`/api/v1/users/me/videos/${id}/rating`, signal),
  rate: (id: number, rating: 'like' | 'dislike' | 'none') =>
    session.send(`/api/v1/videos/${id}/rate`, { method: 'PUT', json: { rating }, headers: passwordHeaders(id) }),
  threads: (id: number, start: number, signal?: AbortSignal) =>
    get<Page<Comment>>(
      `/api/v1/videos/${id}/comment-threads${query({ start, count: 20, sort: '-createdAt' })}`,
      signal,
      passwordHeaders(id),
    ),
  thread: (id: number, threadId: number, signal?: AbortSignal) =>
    get<CommentTree>(`/api/v1/videos/${id}/comment-threads/${threadId}`, signal, passwordHeaders(id)),
  comment: (id: number, text: string) =>
    session.json<{ comment: Comment }>(`/api/v1/videos/${id}/comment-threads`, {
      method: 'POST',
      json: { text },
      headers: passwordHeaders(id),
    }),
  reply: (id: number, commentId: number, text: string) =>
    session.json<{ comment: Comment }>(`/api/v1/videos/${id}/comments/${commentId}`, {
      method: 'POST',
      json: { text },
      headers: passwordHeaders(id),
    }),
  subscribed: async (handle: string, signal?: AbortSignal) =>
    (await get<Record<string, boolean>>(`/api/v1/users/me/subscriptions/exist${query({ uris: handle })}`, signal))[handle] ?? false,
  subscribe: (handle: string) => session.send('/api/v1/users/me/subscriptions', { method: 'POST', json: { uri: handle } }),
  unsubscribe: (handle: string) =>
    session.send(`/api/v1/users/me/subscriptions/${encodeURIComponent(handle)}`, { method: 'DELETE' }),
  subscriptionVideos: (start: number, count: number, signal?: AbortSignal) =>
    get<Page<Video>>(`/api/v1/users/me/subscriptions/videos${query({ start, count, sort: '-publishedAt' })}`, signal),
  me: (signal?: AbortSignal) => get<User>('/api/v1/users/me', signal),
  /** The feed token of the user's subscriptions feed (PeerTube's scoped tokens). */
  feedToken: async (signal?: AbortSignal) => (await get<{ feedToken: string }>('/api/v1/users/scoped-tokens', signal)).feedToken,
  myVideos: (start: number, count: number, signal?: AbortSignal) =>
    get<Page<Video>>(`/api/v1/users/me/videos${query({ start, count, sort: '-publishedAt' })}`, signal),
  searchVideos: (search: string, start: number, count: number, signal?: AbortSignal) =>
    get<Page<Video>>(`/api/v1/search/videos${query({ search, start, count })}`, signal),
  searchChannels: (search: string, signal?: AbortSignal) =>
    get<Page<Channel>>(`/api/v1/search/video-channels${query({ search, count: 12 })}`, signal),
  channel: (handle: string, signal?: AbortSignal) =>
    get<Channel>(`/api/v1/video-channels/${encodeURIComponent(handle)}`, signal),
  channelVideos: (handle: string, start: number, count: number, signal?: AbortSignal) =>
    get<Page<Video>>(`/api/v1/video-channels/${encodeURIComponent(handle)}/videos${query({ start, count, sort: '-publishedAt' })}`, signal),
  account: (name: string, signal?: AbortSignal) => get<User['account']>(`/api/v1/accounts/${encodeURIComponent(name)}`, signal),
  accountChannels: (name: string, signal?: AbortSignal) =>
    get<Page<Channel>>(`/api/v1/accounts/${encodeURIComponent(name)}/video-channels`, signal),
  accountVideos: (name: string, start: number, count: number, signal?: AbortSignal) =>
    get<Page<Video>>(`/api/v1/accounts/${encodeURIComponent(name)}/videos${query({ start, count, sort: '-publishedAt' })}`, signal),
  createChannel: (fields: Record<string, unknown>) => session.send('/api/v1/video-channels', { method: 'POST', json: fields }),
  updateChannel: (handle: string, fields: Record<string, unknown>) =>
    session.send(`/api/v1/video-channels/${encodeURIComponent(handle)}`, { method: 'PUT', json: fields }),
  channelAvatar: (handle: string, file: File) => {
    const form = new FormData();
    form.set('avatarfile', file);
    return session.send(`/api/v1/video-channels/${encodeURIComponent(handle)}/avatar/pick`, { method: 'POST', body: form });
  },
  watchLater: async (account: string, signal?: AbortSignal): Promise<Playlist | undefined> =>
    (await get<Page<Playlist>>(`/api/v1/accounts/${encodeURIComponent(account)}/video-playlists${query({ playlistType: 2 })}`, signal)).data.find(
      (p) => p.type.id === 2,
    ),
  playlistVideos: (id: number, signal?: AbortSignal) =>
    get<Page<PlaylistElement>>(`/api/v1/video-playlists/${id}/videos${query({ count: 100 })}`, signal),
  addToPlaylist: (id: number, videoId: number) =>
    session.send(`/api/v1/video-playlists/${id}/videos`, { method: 'POST', json: { videoId } }),
  removeFromPlaylist: (id: number, elementId: number) =>
    session.send(`/api/v1/video-playlists/${id}/videos/${elementId}`, { method: 'DELETE' }),
  reference: (kind: 'categories' | 'licences' | 'languages' | 'privacies', signal?: AbortSignal) =>
    get<Record<string, string>>(`/api/v1/videos/${kind}`, signal),
  users: (start: number, signal?: AbortSignal) => get<Page<User>>(`/api/v1/users${query({ start, count: 50, sort: '-createdAt' })}`, signal),
  // Server plugins (PeerTube's /api/v1/plugins), installed with the deployment.
  plugins: (signal?: AbortSignal) => get<Page<InstalledPlugin>>(`/api/v1/plugins${query({ pluginType: 1, count: 100 })}`, signal),
  pluginRegisteredSettings: (npmName: string, signal?: AbortSignal) =>
    get<{ registeredSettings: RegisteredSetting[] }>(`/api/v1/plugins/${encodeURIComponent(npmName)}/registered-settings`, signal),
  savePluginSettings: (npmName: string, body: { settings: Record<string, unknown> }) =>
    session.send(`/api/v1/plugins/${encodeURIComponent(npmName)}/settings`, { method: 'PUT', json: body }),
  customConfig: (signal?: AbortSignal) => get<CustomConfig>('/api/v1/config/custom', signal),
  // Redundancy (PeerTube's): the followed instances, whose videos may be mirrored here, and the mirrors.
  following: (signal?: AbortSignal) => get<Page<InstanceFollow>>(`/api/v1/server/following${query({ count: 100 })}`, signal),
  allowRedundancy: (host: string, redundancyAllowed: boolean) =>
    session.send(`/api/v1/server/redundancy/${encodeURIComponent(host)}`, { method: 'PUT', json: { redundancyAllowed } }),
  mirrors: (target: 'my-videos' | 'remote-videos', signal?: AbortSignal) =>
    get<Page<MirroredVideo>>(`/api/v1/server/redundancy/videos${query({ target, count: 100 })}`, signal),
  removeMirror: (id: number) => session.send(`/api/v1/server/redundancy/videos/${id}`, { method: 'DELETE' }),
  saveCustomConfig: (config: CustomConfig) =>
    session.json<CustomConfig>('/api/v1/config/custom', { method: 'PUT', json: config }),
  // Remote runners (docs/runners.md) and the instance's jobs (docs/jobs-and-logs.md): administrators only.
  runners: (signal?: AbortSignal) => get<Page<Runner>>(`/api/v1/runners${query({ count: 100, sort: '-createdAt' })}`, signal),
  deleteRunner: (id: number) => session.send(`/api/v1/runners/${id}`, { method: 'DELETE' }),
  registrationTokens: (signal?: AbortSignal) =>
    get<Page<RunnerRegistrationToken>>(`/api/v1/runners/registration-tokens${query({ count: 100, sort: '-createdAt' })}`, signal),
  generateRegistrationToken: () => session.send('/api/v1/runners/registration-tokens/generate', { method: 'POST' }),
  deleteRegistrationToken: (id: number) => session.send(`/api/v1/runners/registration-tokens/${id}`, { method: 'DELETE' }),
  runnerJobs: (signal?: AbortSignal) => get<Page<RunnerJob>>(`/api/v1/runners/jobs${query({ count: 50, sort: '-updatedAt' })}`, signal),
  cancelRunnerJob: (uuid: string) => session.send(`/api/v1/runners/jobs/${uuid}/cancel`, { method: 'POST' }),
  deleteRunnerJob: (uuid: string) => session.send(`/api/v1/runners/jobs/${uuid}`, { method: 'DELETE' }),
  jobs: (state: Job['state'], signal?: AbortSignal) =>
    get<Page<Job>>(`/api/v1/jobs/${state}${query({ count: 100, sort: '-createdAt' })}`, signal),
  retryJob: (id: string) => session.send('/api/v1/jobs/retry', { method: 'POST', json: { id } }),
  pauseJobs: () => session.send('/api/v1/jobs/pause', { method: 'POST' }),
  resumeJobs: () => session.send('/api/v1/jobs/resume', { method: 'POST' }),
  register: (fields: Record<string, unknown>) => session.send('/api/v1/users/register', { method: 'POST', json: fields }),
  updateMe: (fields: Record<string, unknown>) => session.send('/api/v1/users/me', { method: 'PUT', json: fields }),
  // The watch history, last watched first.
  history: (start: number, count: number, search: string, signal?: AbortSignal) =>
    get<Page<Video>>(`/api/v1/users/me/history/videos${query({ start, count, search })}`, signal),
  removeFromHistory: (videoId: number) => session.send(`/api/v1/users/me/history/videos/${videoId}`, { method: 'DELETE' }),
  clearHistory: () => session.send('/api/v1/users/me/history/videos/remove', { method: 'POST', json: {} }),
  tokenSessions: (userId: number, signal?: AbortSignal) =>
    get<Page<TokenSession>>(`/api/v1/users/${userId}/token-sessions${query({ count: 100 })}`, signal),
  revokeTokenSession: (userId: number, sessionId: number) =>
    session.send(`/api/v1/users/${userId}/token-sessions/${sessionId}/revoke`, { method: 'POST' }),
  // PeerTube's email flows: the ask-* answers are 204 whether or not the address is known.
  askResetPassword: (email: string) =>
    session.send('/api/v1/users/ask-reset-password', { method: 'POST', json: { email } }),
  resetPassword: (userId: string, verificationString: string, password: string) =>
    session.send(`/api/v1/users/${encodeURIComponent(userId)}/reset-password`, {
      method: 'POST',
      json: { verificationString, password },
    }),
  askVerifyEmail: (email: string) =>
    session.send('/api/v1/users/ask-send-verify-email', { method: 'POST', json: { email } }),
  verifyRegistrationEmail: (registrationId: string, verificationString: string) =>
    session.send(`/api/v1/users/registrations/${encodeURIComponent(registrationId)}/verify-email`, {
      method: 'POST',
      json: { verificationString },
    }),
  verifyEmail: (userId: string, verificationString: string, isPendingEmail: boolean) =>
    session.send(`/api/v1/users/${encodeURIComponent(userId)}/verify-email`, {
      method: 'POST',
      json: { verificationString, isPendingEmail },
    }),
};
