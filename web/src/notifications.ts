// PeerTube's user notifications: the API calls, what each notification says and links to, and
// the live unread count. The count comes from `GET /users/me/notifications?unread=true&count=0`
// (as PeerTube's client asks it) and then moves with socket.io's `new-notification` on the
// `/user-notifications` namespace, and with what this tab marks read.
import type { Socket } from 'socket.io-client';
import { session } from './auth';
import { query } from './services';
import type { Page } from './types';

/** PeerTube's UserNotificationType values the client words (others get a generic text). */
export const NotificationType = {
  NEW_VIDEO_FROM_SUBSCRIPTION: 1,
  NEW_COMMENT_ON_MY_VIDEO: 2,
  NEW_ABUSE_FOR_MODERATORS: 3,
  BLACKLIST_ON_MY_VIDEO: 4,
  UNBLACKLIST_ON_MY_VIDEO: 5,
  MY_VIDEO_PUBLISHED: 6,
  NEW_USER_REGISTRATION: 9,
  NEW_FOLLOW: 10,
  COMMENT_MENTION: 11,
  VIDEO_AUTO_BLACKLIST_FOR_MODERATORS: 12,
  NEW_INSTANCE_FOLLOWER: 13,
  AUTO_INSTANCE_FOLLOWING: 14,
  ABUSE_STATE_CHANGE: 15,
  ABUSE_NEW_MESSAGE: 16,
  MY_VIDEO_STUDIO_EDITION_FINISHED: 19,
  NEW_USER_REGISTRATION_REQUEST: 20,
  NEW_LIVE_FROM_SUBSCRIPTION: 21,
  INVITED_TO_COLLABORATE_TO_CHANNEL: 23,
  ACCEPTED_TO_COLLABORATE_TO_CHANNEL: 24,
  REFUSED_TO_COLLABORATE_TO_CHANNEL: 25,
  VIDEO_OWNERSHIP_CHANGED_REQUEST: 26,
  VIDEO_OWNERSHIP_CHANGED_ACCEPTED: 27,
  VIDEO_OWNERSHIP_CHANGED_REJECTED: 28,
} as const;

export interface NotificationActor {
  id: number;
  name: string;
  displayName: string;
  host: string;
  avatar?: { path: string; width: number };
}

export interface NotificationVideo {
  id: number;
  uuid: string;
  shortUUID: string;
  name: string;
  channel?: NotificationActor;
}

export interface UserNotification {
  id: number;
  type: number;
  read: boolean;
  video?: NotificationVideo;
  videoBlacklist?: { id: number; video: NotificationVideo };
  comment?: { id: number; threadId: number; account: NotificationActor; video: NotificationVideo; heldForReview: boolean };
  abuse?: { id: number; state: number; video?: NotificationVideo; comment?: { threadId: number; video?: NotificationVideo }; account?: NotificationActor };
  account?: NotificationActor;
  /** PeerTube 8.2's ownership change (state 1 pending, 2 rejected, 3 accepted). */
  changeOwnership?: {
    id: number;
    state: { id: number; label: string };
    initiatorAccount: NotificationActor;
    nextOwnerAccount: NotificationActor;
    video?: NotificationVideo;
  };
  videoChannelCollaborator?: {
    id: number;
    state: { id: number; label: string };
    channel: NotificationActor;
    channelOwner: NotificationActor;
    account: NotificationActor;
  };
  actorFollow?: {
    id: number;
    state: string;
    follower: NotificationActor;
    following: { type: 'account' | 'channel' | 'instance'; name: string; displayName: string; host: string };
  };
  registration?: { id: number; username: string };
  createdAt: string;
  updatedAt: string;
}

/** PeerTube's UserNotificationSetting: per kind, 1 web and 2 email. */
export type NotificationSettings = Record<string, number>;
export const WEB = 1;
export const EMAIL = 2;

/** The settings the grid shows, in PeerTube's order; `staff` rows only for moderators and administrators. */
export const SETTING_ROWS: { key: string; label: string; staff?: boolean; admin?: boolean }[] = [
  { key: 'newVideoFromSubscription', label: 'New video from your subscriptions' },
  { key: 'newCommentOnMyVideo', label: 'New comment on your video' },
  { key: 'commentMention', label: 'Someone mentioned you in a comment' },
  { key: 'newFollow', label: 'Someone subscribed to your channel or follows your account' },
  { key: 'myVideoPublished', label: 'Your video is published' },
  { key: 'myVideoImportFinished', label: 'Your video import finished' },
  { key: 'blacklistOnMyVideo', label: 'One of your videos is blocked or unblocked' },
  { key: 'abuseStateChange', label: 'One of your reports is accepted or rejected' },
  { key: 'abuseNewMessage', label: 'A new message on one of your reports' },
  { key: 'myVideoStudioEditionFinished', label: 'Your video edition finished' },
  { key: 'myVideoTranscriptionGenerated', label: 'Your video transcription is ready' },
  { key: 'abuseAsModerator', label: 'A new report', staff: true },
  { key: 'videoAutoBlacklistAsModerator', label: 'A video waits for review', staff: true },
  { key: 'newUserRegistration', label: 'A new user registered or asked to', staff: true },
  { key: 'newInstanceFollower', label: 'A new instance follows yours', admin: true },
  { key: 'autoInstanceFollowing', label: 'Your instance followed another automatically', admin: true },
  { key: 'newPeerTubeVersion', label: 'A new version is available', admin: true },
  { key: 'newPluginVersion', label: 'A plugin or theme has a new version', admin: true },
];

export const notificationsApi = {
  list: (start: number, count: number, unread?: boolean, signal?: AbortSignal) =>
    session.json<Page<UserNotification>>(
      `/api/v1/users/me/notifications${query({ start, count, sort: '-createdAt', unread })}`,
      { signal },
    ),
  unreadCount: async (signal?: AbortSignal) =>
    (await session.json<Page<UserNotification>>(`/api/v1/users/me/notifications${query({ start: 0, count: 0, unread: true })}`, { signal })).total,
  markRead: (ids: number[]) => session.send('/api/v1/users/me/notifications/read', { method: 'POST', json: { ids } }),
  markAllRead: () => session.send('/api/v1/users/me/notifications/read-all', { method: 'POST' }),
  saveSettings: (settings: NotificationSettings) =>
    session.send('/api/v1/users/me/notification-settings', { method: 'PUT', json: settings }),
};

const watchPath = (video: NotificationVideo | undefined) => (video ? `/w/${video.shortUUID || video.uuid}` : undefined);
const named = (actor: { displayName?: string; name: string } | undefined) => actor?.displayName || actor?.name || 'Someone';

/** What a notification says, and where it leads (PeerTube's client words them alike). */
export function describe(n: UserNotification): { text: string; link?: string } {
  switch (n.type) {
    case NotificationType.NEW_VIDEO_FROM_SUBSCRIPTION:
    case NotificationType.NEW_LIVE_FROM_SUBSCRIPTION:
      return { text: `${named(n.video?.channel)} published a new video: ${n.video?.name ?? ''}`, link: watchPath(n.video) };
    case NotificationType.NEW_COMMENT_ON_MY_VIDEO:
      return {
        text: `${named(n.comment?.account)} commented on your video ${n.comment?.video.name ?? ''}${n.comment?.heldForReview ? ' (awaiting your approval)' : ''}`,
        link: watchPath(n.comment?.video),
      };
    case NotificationType.COMMENT_MENTION:
      return { text: `${named(n.comment?.account)} mentioned you on ${n.comment?.video.name ?? 'a video'}`, link: watchPath(n.comment?.video) };
    case NotificationType.BLACKLIST_ON_MY_VIDEO:
      return { text: `Your video ${n.videoBlacklist?.video.name ?? ''} was blocked by a moderator`, link: watchPath(n.videoBlacklist?.video) };
    case NotificationType.UNBLACKLIST_ON_MY_VIDEO:
      return { text: `Your video ${n.video?.name ?? ''} is no longer blocked`, link: watchPath(n.video) };
    case NotificationType.VIDEO_AUTO_BLACKLIST_FOR_MODERATORS:
      return { text: `A new video awaits review: ${n.videoBlacklist?.video.name ?? ''}`, link: watchPath(n.videoBlacklist?.video) };
    case NotificationType.MY_VIDEO_PUBLISHED:
      return { text: `Your video ${n.video?.name ?? ''} is published`, link: watchPath(n.video) };
    case NotificationType.MY_VIDEO_STUDIO_EDITION_FINISHED:
      return { text: `Your edit of ${n.video?.name ?? 'your video'} is published`, link: watchPath(n.video) };
    case NotificationType.NEW_FOLLOW: {
      const f = n.actorFollow;
      const what = f?.following.type === 'channel' ? `your channel ${f.following.displayName}` : 'your account';
      return { text: `${named(f?.follower)} follows ${what}` };
    }
    case NotificationType.NEW_INSTANCE_FOLLOWER:
      return { text: `Your instance has a new follower: ${n.actorFollow?.follower.host ?? ''}`, link: '/admin' };
    case NotificationType.AUTO_INSTANCE_FOLLOWING:
      return { text: `Your instance automatically followed ${n.actorFollow?.following.host ?? 'an instance'}`, link: '/admin' };
    case NotificationType.NEW_USER_REGISTRATION:
      return { text: `${n.account?.name ?? 'Someone'} signed up on your instance`, link: n.account ? `/a/${n.account.name}` : undefined };
    case NotificationType.NEW_USER_REGISTRATION_REQUEST:
      return { text: `${n.registration?.username ?? 'Someone'} asked to sign up`, link: '/admin' };
    case NotificationType.NEW_ABUSE_FOR_MODERATORS:
      return { text: `A new report (${n.abuse?.video?.name ?? n.abuse?.comment?.video?.name ?? n.abuse?.account?.name ?? `#${n.abuse?.id}`})` };
    case NotificationType.ABUSE_STATE_CHANGE:
      return { text: `Your report #${n.abuse?.id} was ${n.abuse?.state === 3 ? 'accepted' : n.abuse?.state === 2 ? 'rejected' : 'reopened'}` };
    case NotificationType.ABUSE_NEW_MESSAGE:
      return { text: `A new message on report #${n.abuse?.id}` };
    case NotificationType.INVITED_TO_COLLABORATE_TO_CHANNEL: {
      const c = n.videoChannelCollaborator;
      return {
        text: `${named(c?.channelOwner)} invited you to collaborate on ${named(c?.channel)}`,
        link: c && c.state.id === 2 ? `/c/${c.channel.name}` : undefined,
      };
    }
    case NotificationType.ACCEPTED_TO_COLLABORATE_TO_CHANNEL:
    case NotificationType.REFUSED_TO_COLLABORATE_TO_CHANNEL: {
      const c = n.videoChannelCollaborator;
      const answer = n.type === NotificationType.ACCEPTED_TO_COLLABORATE_TO_CHANNEL ? 'accepted' : 'declined';
      return { text: `${named(c?.account)} ${answer} to collaborate on ${named(c?.channel)}`, link: c ? `/c/${c.channel.name}` : undefined };
    }
    case NotificationType.VIDEO_OWNERSHIP_CHANGED_REQUEST: {
      const o = n.changeOwnership;
      return { text: `${named(o?.initiatorAccount)} wants to give you ${o?.video?.name ?? 'a video'}`, link: '/my-library/ownership' };
    }
    case NotificationType.VIDEO_OWNERSHIP_CHANGED_ACCEPTED:
    case NotificationType.VIDEO_OWNERSHIP_CHANGED_REJECTED: {
      const o = n.changeOwnership;
      const answer = n.type === NotificationType.VIDEO_OWNERSHIP_CHANGED_ACCEPTED ? 'accepted' : 'refused';
      return { text: `${named(o?.nextOwnerAccount)} ${answer} ${o?.video?.name ?? 'a video'}`, link: '/my-library/ownership' };
    }
    default:
      return { text: 'Something happened on your account' };
  }
}

// --- The live unread count ----------------------------------------------------------------

type Listener = () => void;

/** The signed-in user's unread count and the notifications pushed since the page opened. */
class LiveNotifications {
  unread = 0;
  /** Bumped at each pushed notification, so pages showing a list reload it. */
  version = 0;
  connected = false;
  private socket: Socket | null = null;
  private listeners = new Set<Listener>();
  private starting: Promise<void> | null = null;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Read the count, then follow it live (idempotent). */
  start(): Promise<void> {
    if (!this.starting) this.starting = this.open();
    return this.starting;
  }

  stop(): void {
    this.socket?.disconnect();
    this.socket = null;
    this.starting = null;
    this.connected = false;
    this.set(0);
  }

  set(unread: number): void {
    this.unread = Math.max(0, unread);
    this.emit();
  }

  read(count: number): void {
    this.set(this.unread - count);
  }

  private async open(): Promise<void> {
    this.set(await notificationsApi.unreadCount().catch(() => 0));
    const token = await session.accessToken();
    if (!token) return;
    // Loaded with the first signed-in page only, outside the main bundle. WebSocket only:
    // Cirrus's real-time endpoint (an API Gateway WebSocket API) has no long-polling.
    const { io } = await import('socket.io-client');
    if (this.starting === null) return; // stopped meanwhile (signed out)
    const socket = io('/user-notifications', { transports: ['websocket'], query: { accessToken: token } });
    this.socket = socket;
    socket.on('connect', () => {
      this.connected = true;
      this.emit();
    });
    socket.on('disconnect', () => {
      this.connected = false;
      this.emit();
    });
    // A refused token (it expired): reconnect with a fresh one.
    socket.on('connect_error', async () => {
      const fresh = await session.accessToken();
      if (fresh && this.socket === socket) socket.io.opts.query = { accessToken: fresh };
    });
    socket.on('new-notification', (notification: UserNotification) => {
      if (!notification.read) this.unread += 1;
      this.version += 1;
      this.emit();
    });
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

export const live = new LiveNotifications();
