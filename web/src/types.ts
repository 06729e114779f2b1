// The parts of PeerTube's API documents that the client reads.

import type * as PeerTube from '@peertube/peertube-types';

/** PeerTube's type `T` (its own models, `@peertube/peertube-types`), narrowed to the fields
 * the client reads: `R` as PeerTube always sends them, `O` that may be absent (remote
 * objects, older servers, lists that leave them out). A field PeerTube renames or retypes
 * fails `tsc` here, not in a user's browser. */
type Reads<T, R extends keyof T, O extends keyof T = never> = OnTheWire<Pick<T, R>> & Partial<OnTheWire<Pick<T, O>>>;

/** Dates arrive as JSON strings (PeerTube's models type them `Date | string` for its server). */
type OnTheWire<T> = { [K in keyof T]: [T[K]] extends [Date | string | null] ? Exclude<T[K], Date> : T[K] };

export type Image = Partial<Pick<PeerTube.ActorImage, 'path' | 'fileUrl' | 'width'>>;

export type Actor = Reads<PeerTube.Account, 'id' | 'name' | 'displayName' | 'host', 'url' | 'followersCount'> & {
  /** PeerTube sends '' or null for an empty description depending on the object. */
  description?: PeerTube.Account['description'] | null;
  avatars?: Image[];
  /** A Cirrus extension: where a moved account went (its new actor's URL). */
  movedTo?: string;
};

export type Channel = Actor & { ownerAccount?: Actor; support?: PeerTube.VideoChannel['support'] | null };

export interface Labelled<T> {
  id: T;
  label: string;
}

/** PeerTube's constants (category, licence, language) are null for a video without one. */
type Nullable<C extends { id: unknown; label: string }> = Labelled<C['id'] | null>;

export type Video = Reads<
  PeerTube.Video,
  'id' | 'uuid' | 'name' | 'duration' | 'views' | 'likes' | 'dislikes' | 'nsfw' | 'isLocal' | 'publishedAt' | 'privacy',
  'shortUUID' | 'url' | 'embedPath' | 'state' | 'isLive' | 'viewers'
> & {
  thumbnailPath?: PeerTube.Video['thumbnailPath'] | null;
  previewPath?: PeerTube.Video['previewPath'] | null;
  description?: PeerTube.Video['description'] | null;
  category?: Nullable<PeerTube.Video['category']>;
  licence?: Nullable<PeerTube.Video['licence']>;
  language?: Nullable<PeerTube.Video['language']>;
  channel: Channel;
  account: Actor;
};

export type VideoFile = Reads<PeerTube.VideoFile, 'resolution', 'fileUrl'>;

export type VideoDetails = Video &
  Reads<PeerTube.VideoDetails, never, 'tags' | 'commentsPolicy' | 'trackerUrls'> & {
    /** PeerTube 7 drops it for commentsPolicy; older servers still send it. */
    commentsEnabled?: boolean;
    streamingPlaylists?: (Reads<PeerTube.VideoStreamingPlaylist, 'id' | 'playlistUrl'> & {
      segmentsSha256Url?: PeerTube.VideoStreamingPlaylist['segmentsSha256Url'] | null;
      files: VideoFile[];
      /** Other instances' mirrors of these files (PeerTube's redundancy). */
      redundancies?: Pick<PeerTube.VideoStreamingPlaylist['redundancies'][number], 'baseUrl'>[];
    })[];
    files?: VideoFile[];
    /** Where the signed-in user stopped watching (their watch history). */
    userHistory?: NonNullable<PeerTube.VideoDetails['userHistory']>;
    /** A Cirrus extension: the resolutions its transcoding has still to add, lowest first
     * (a video is published from its first rendition on); empty once every one is in. */
    pendingResolutions?: number[];
  };

/** PeerTube's TokenSession: one logged-in client of a user. */
export type TokenSession = Reads<PeerTube.TokenSession, 'id' | 'currentSession' | 'loginDate' | 'lastActivityDate' | 'createdAt'> & {
  loginDevice: PeerTube.TokenSession['loginDevice'] | null;
  loginIP: PeerTube.TokenSession['loginIP'] | null;
  lastActivityDevice: PeerTube.TokenSession['lastActivityDevice'] | null;
  lastActivityIP: PeerTube.TokenSession['lastActivityIP'] | null;
};

/** PeerTube's LiveVideo (GET /api/v1/videos/live/{id}); the URLs and key only for its owner. */
export type LiveVideo = Reads<PeerTube.LiveVideo, 'permanentLive' | 'saveReplay' | 'latencyMode'> & {
  rtmpUrl?: PeerTube.LiveVideo['rtmpUrl'] | null;
  rtmpsUrl?: PeerTube.LiveVideo['rtmpsUrl'] | null;
  streamKey?: PeerTube.LiveVideo['streamKey'] | null;
  /** Cirrus's simulcast: where the stream is pushed on to (its owner only). */
  simulcastTargets?: string[];
};

export interface Page<T> {
  total: number;
  data: T[];
}

export type Comment = Reads<PeerTube.VideoComment, 'id' | 'threadId' | 'text' | 'createdAt', 'isDeleted' | 'totalReplies'> & {
  inReplyToCommentId: PeerTube.VideoComment['inReplyToCommentId'] | null;
  /** null for a deleted comment. */
  account: Actor | null;
};

export interface CommentTree {
  comment: Comment;
  children: CommentTree[];
}

export type User = Reads<
  PeerTube.User,
  'id' | 'username' | 'role',
  'email' | 'blocked' | 'videoQuota' | 'twoFactorEnabled' | 'videosHistoryEnabled'
> & {
  account: Actor;
  videoChannels?: Channel[];
  /** PeerTube's UserNotificationSetting (users/me only): per kind, 1 web and 2 email. */
  notificationSettings?: Record<string, number>;
};

export type Playlist = Reads<PeerTube.VideoPlaylist, 'id' | 'uuid' | 'displayName' | 'type', 'videosLength'>;

export type PlaylistElement = Reads<PeerTube.VideoPlaylistElement, 'id' | 'position'> & {
  /** null once the video is gone or hidden from the viewer. */
  video: Video | null;
};

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
export type Chapter = Reads<PeerTube.VideoChapter, 'timecode' | 'title'>;

/** A video import by URL (PeerTube's VideoImport); state 1 pending, 2 success, 3 failed,
 * 4 rejected, 5 cancelled, 6 processing. */
export type VideoImport = Reads<PeerTube.VideoImport, 'id' | 'state' | 'createdAt', 'videoChannelSync'> & {
  targetUrl: PeerTube.VideoImport['targetUrl'] | null;
  magnetUri?: PeerTube.VideoImport['magnetUri'] | null;
  torrentName?: PeerTube.VideoImport['torrentName'] | null;
  error: NonNullable<PeerTube.VideoImport['error']> | null;
  video: (Reads<PeerTube.Video, 'id' | 'uuid' | 'name', 'shortUUID' | 'state'>) | null;
};

/** A video offered to another account (PeerTube's VideoChangeOwnership). */
export interface OwnershipChange {
  id: number;
  /** PeerTube 8.2's state: 1 pending, 2 rejected, 3 accepted. */
  state: { id: 1 | 2 | 3; label: string };
  /** Deprecated in PeerTube 8.2 for `state`. */
  status: 'WAITING' | 'ACCEPTED' | 'REFUSED';
  initiatorAccount: Actor;
  nextOwnerAccount: Actor;
  video: Video | null;
  createdAt: string;
}

/** A channel synchronisation (PeerTube's VideoChannelSync); state 1 synchronized, 2 processing,
 * 3 failed, 4 waiting first run. */
export type ChannelSync = Reads<PeerTube.VideoChannelSync, 'id' | 'externalChannelUrl' | 'state' | 'createdAt'> & {
  lastSyncAt: PeerTube.VideoChannelSync['lastSyncAt'] | null;
  channel: Pick<PeerTube.VideoChannelSummary, 'id' | 'name' | 'displayName'>;
};

/** PeerTube's Storyboard: one sprite sheet, a tile every `spriteDuration` seconds, rows first. */
export type Storyboard = Reads<
  PeerTube.Storyboard,
  'storyboardPath' | 'totalHeight' | 'totalWidth' | 'spriteHeight' | 'spriteWidth' | 'spriteDuration',
  'fileUrl'
>;

/** PeerTube's Runner (admin list). */
export type Runner = Reads<PeerTube.Runner, 'id' | 'name' | 'ip' | 'lastContact' | 'createdAt'> & {
  description: PeerTube.Runner['description'] | null;
  version: PeerTube.Runner['version'] | null;
};

/** PeerTube's RunnerRegistrationToken. */
export type RunnerRegistrationToken = Reads<PeerTube.RunnerRegistrationToken, 'id' | 'registrationToken' | 'registeredRunnersCount'> & {
  createdAt: string;
};

/** PeerTube's RunnerJob (admin list); state 1 pending, 2 processing, 3 completed, 4 errored,
 * 6 cancelled, 9 completing. */
export type RunnerJob = Reads<PeerTube.RunnerJob, 'uuid' | 'type' | 'state' | 'failures' | 'error' | 'createdAt' | 'updatedAt'> & {
  progress: PeerTube.RunnerJob['progress'] | null;
  runner: Pick<NonNullable<PeerTube.RunnerJob['runner']>, 'id' | 'name'> | null;
};

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
export type MirroredVideo = Reads<PeerTube.VideoRedundancy, 'id' | 'name' | 'url' | 'uuid'> & {
  redundancies: {
    streamingPlaylists: (Reads<PeerTube.RedundancyInformation, 'id' | 'fileUrl' | 'size'> & {
      strategy: PeerTube.RedundancyInformation['strategy'] | null;
      expiresOn: string | null;
    })[];
  };
};

/** The guard bites: a field PeerTube's models do not have does not compile. */
// @ts-expect-error 'notAPeerTubeField' is not a field of PeerTube's Video
export type NotPeerTube = Reads<PeerTube.Video, 'notAPeerTubeField'>;
