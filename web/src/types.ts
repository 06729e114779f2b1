// The parts of PeerTube's API documents that the client reads.

export interface Image {
  path?: string;
  fileUrl?: string;
  width?: number;
}

export interface Actor {
  id: number;
  name: string;
  displayName: string;
  host: string;
  url?: string;
  description?: string | null;
  avatars?: Image[];
  followersCount?: number;
  /** A Cirrus extension: where a moved account went (its new actor's URL). */
  movedTo?: string;
}

export type Channel = Actor & { ownerAccount?: Actor; support?: string | null };

export interface Labelled<T> {
  id: T;
  label: string;
}

export interface Video {
  id: number;
  uuid: string;
  shortUUID?: string;
  /** Its ActivityPub id: the watch page on its own instance. */
  url?: string;
  name: string;
  duration: number;
  views: number;
  likes: number;
  dislikes: number;
  nsfw: boolean;
  isLocal: boolean;
  publishedAt: string;
  thumbnailPath?: string | null;
  previewPath?: string | null;
  embedPath?: string;
  description?: string | null;
  privacy: Labelled<number>;
  state?: Labelled<number>;
  /** A live (PeerTube's isLive): its state says waiting (4), on air (1) or ended (5). */
  isLive?: boolean;
  /** How many are watching now (PeerTube counts them for lives and recent views). */
  viewers?: number;
  category?: Labelled<number | null>;
  licence?: Labelled<number | null>;
  language?: Labelled<string | null>;
  channel: Channel;
  account: Actor;
}

export interface VideoFile {
  resolution: Labelled<number>;
  fileUrl?: string;
}

export interface VideoDetails extends Video {
  tags?: string[];
  commentsEnabled?: boolean;
  commentsPolicy?: Labelled<number>;
  streamingPlaylists?: {
    id: number;
    playlistUrl: string;
    segmentsSha256Url?: string | null;
    files: VideoFile[];
    /** Other instances' mirrors of these files (PeerTube's redundancy). */
    redundancies?: { baseUrl: string }[];
  }[];
  files?: VideoFile[];
  /** The HTTP announce URL and the websocket tracker URL (P2P). */
  trackerUrls?: string[];
  /** Where the signed-in user stopped watching (their watch history). */
  userHistory?: { currentTime: number };
}

/** PeerTube's TokenSession: one logged-in client of a user. */
export interface TokenSession {
  id: number;
  currentSession: boolean;
  loginDevice: string | null;
  loginIP: string | null;
  loginDate: string;
  lastActivityDevice: string | null;
  lastActivityIP: string | null;
  lastActivityDate: string;
  createdAt: string;
}

/** PeerTube's LiveVideo (GET /api/v1/videos/live/{id}); the URLs and key only for its owner. */
export interface LiveVideo {
  rtmpUrl?: string | null;
  rtmpsUrl?: string | null;
  streamKey?: string | null;
  permanentLive: boolean;
  saveReplay: boolean;
  latencyMode: number;
  /** Cirrus's simulcast: where the stream is pushed on to (its owner only). */
  simulcastTargets?: string[];
}

export interface Page<T> {
  total: number;
  data: T[];
}

export interface Comment {
  id: number;
  threadId: number;
  inReplyToCommentId: number | null;
  text: string;
  createdAt: string;
  isDeleted?: boolean;
  totalReplies?: number;
  account: Actor | null;
}

export interface CommentTree {
  comment: Comment;
  children: CommentTree[];
}

export interface User {
  id: number;
  username: string;
  email?: string;
  role: Labelled<number>;
  account: Actor;
  videoChannels?: Channel[];
  blocked?: boolean;
  videoQuota?: number;
  /** PeerTube's UserNotificationSetting (users/me only): per kind, 1 web and 2 email. */
  notificationSettings?: Record<string, number>;
  twoFactorEnabled?: boolean;
  /** Whether watching records the watch history (PeerTube's default: on). */
  videosHistoryEnabled?: boolean;
}

export interface Playlist {
  id: number;
  uuid: string;
  displayName: string;
  type: Labelled<number>;
  videosLength?: number;
}

export interface PlaylistElement {
  id: number;
  position: number;
  video: Video | null;
}

/** PeerTube's video states: 1 is published; a live waits (4), then is on air (1), then ends (5). */
export const PUBLISHED = 1;
export const WAITING_FOR_LIVE = 4;
export const LIVE_ENDED = 5;

export const actorHandle = (actor: Pick<Actor, 'name' | 'host'>): string => `${actor.name}@${actor.host}`;

/** PeerTube's custom configuration: the fields the administration page edits; the rest is kept as read. */
export interface CustomConfig {
  instance: { name: string; shortDescription: string; description: string; terms: string; [key: string]: unknown };
  signup: { enabled: boolean; limit: number; requiresApproval: boolean; requiresEmailVerification: boolean; minimumAge: number };
  [section: string]: unknown;
}

/** A chapter of a video (PeerTube's VideoChapter): where it starts, in seconds. */
export interface Chapter {
  timecode: number;
  title: string;
}

/** A video import by URL (PeerTube's VideoImport); state 1 pending, 2 success, 3 failed,
 * 4 rejected, 5 cancelled, 6 processing. */
export interface VideoImport {
  id: number;
  targetUrl: string | null;
  magnetUri?: string | null;
  torrentName?: string | null;
  videoChannelSync?: { id: number; externalChannelUrl: string } | null;
  state: { id: number; label: string };
  error: string | null;
  createdAt: string;
  video: { id: number; uuid: string; shortUUID?: string; name: string; state?: { id: number; label: string } } | null;
}

/** A video offered to another account (PeerTube's VideoChangeOwnership). */
export interface OwnershipChange {
  id: number;
  status: 'WAITING' | 'ACCEPTED' | 'REFUSED';
  initiatorAccount: Actor;
  nextOwnerAccount: Actor;
  video: Video | null;
  createdAt: string;
}

/** A channel synchronisation (PeerTube's VideoChannelSync); state 1 synchronized, 2 processing,
 * 3 failed, 4 waiting first run. */
export interface ChannelSync {
  id: number;
  externalChannelUrl: string;
  state: { id: number; label: string };
  createdAt: string;
  lastSyncAt: string | null;
  channel: { id: number; name: string; displayName: string };
}

/** PeerTube's Storyboard: one sprite sheet, a tile every `spriteDuration` seconds, rows first. */
export interface Storyboard {
  storyboardPath: string;
  totalHeight: number;
  totalWidth: number;
  spriteHeight: number;
  spriteWidth: number;
  spriteDuration: number;
}

/** PeerTube's Runner (admin list). */
export interface Runner {
  id: number;
  name: string;
  description: string | null;
  ip: string;
  lastContact: string;
  version: string | null;
  createdAt: string;
}

/** PeerTube's RunnerRegistrationToken. */
export interface RunnerRegistrationToken {
  id: number;
  registrationToken: string;
  createdAt: string;
  registeredRunnersCount: number;
}

/** PeerTube's RunnerJob (admin list); state 1 pending, 2 processing, 3 completed, 4 errored,
 * 6 cancelled, 9 completing. */
export interface RunnerJob {
  uuid: string;
  type: string;
  state: { id: number; label: string };
  failures: number;
  error: string | null;
  progress: number | null;
  createdAt: string;
  updatedAt: string;
  runner: { id: number; name: string } | null;
}

/** PeerTube's Job over Cirrus's queues (docs/jobs-and-logs.md): only failed ones are listed. */
export interface Job {
  id: string;
  state: 'active' | 'completed' | 'failed' | 'waiting' | 'delayed';
  type: string;
  data: Record<string, unknown>;
  error: string | null;
  createdAt: string | null;
}

/** GET /api/v1/server/following's items (the fields the redundancy page uses). */
export interface InstanceFollow {
  id: number;
  state: 'pending' | 'accepted' | 'rejected';
  following: { host: string; name: string; hostRedundancyAllowed?: boolean };
}

/** GET /api/v1/server/redundancy/videos's items (PeerTube's VideoRedundancy). */
export interface MirroredVideo {
  id: number;
  name: string;
  url: string;
  uuid: string;
  redundancies: {
    streamingPlaylists: { id: number; fileUrl: string; strategy: string | null; size: number; expiresOn: string | null }[];
  };
}
