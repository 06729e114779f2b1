// The instance's settings form (PeerTube's "Configuration" admin page): the custom config's
// fields in PeerTube's sections, read and written by their dotted path, and checked before
// they are sent as the server checks them (chalicelib/domain/custom_config.py).
import type { CustomConfig } from '../types';

export type FieldKind = 'text' | 'textarea' | 'markdown' | 'bool' | 'int' | 'quota' | 'select';

export interface ConfigField {
  path: string;
  label: string;
  kind: FieldKind;
  hint?: string;
  /** For `select`. */
  options?: { value: string; label: string }[];
  /** For `int` and `quota`: the smallest value allowed (-1 for no limit). */
  min?: number;
  required?: boolean;
  maxLength?: number;
}

export interface ConfigSection {
  id: string;
  title: string;
  fields: ConfigField[];
}

const RESOLUTIONS = ['144p', '240p', '360p', '480p', '720p', '1080p', '1440p', '2160p'];

const resolutionFields = (prefix: string): ConfigField[] =>
  RESOLUTIONS.map((r) => ({ path: `${prefix}.resolutions.${r}`, label: `Make a ${r} version`, kind: 'bool' }));

/** Quotas in bytes, as PeerTube's admin offers them; -1 for no limit. */
export const QUOTA_CHOICES: { value: number; label: string }[] = [
  { value: -1, label: 'Unlimited' },
  { value: 0, label: 'None (no upload)' },
  { value: 100 * 1024 ** 2, label: '100 MB' },
  { value: 500 * 1024 ** 2, label: '500 MB' },
  { value: 1024 ** 3, label: '1 GB' },
  { value: 5 * 1024 ** 3, label: '5 GB' },
  { value: 20 * 1024 ** 3, label: '20 GB' },
  { value: 50 * 1024 ** 3, label: '50 GB' },
  { value: 100 * 1024 ** 3, label: '100 GB' },
  { value: 1024 ** 4, label: '1 TB' },
];

export const CONFIG_SECTIONS: readonly ConfigSection[] = [
  {
    id: 'instance',
    title: 'Instance information',
    fields: [
      { path: 'instance.name', label: 'Instance name', kind: 'text', required: true, maxLength: 120 },
      { path: 'instance.shortDescription', label: 'Short description', kind: 'text' },
      { path: 'instance.description', label: 'Description', kind: 'markdown' },
      { path: 'instance.terms', label: 'Terms', kind: 'markdown' },
      { path: 'instance.codeOfConduct', label: 'Code of conduct', kind: 'markdown' },
      { path: 'instance.moderationInformation', label: 'Moderation information', kind: 'markdown' },
      { path: 'instance.creationReason', label: 'Why this instance was created', kind: 'markdown' },
      { path: 'instance.administrator', label: 'Who runs it', kind: 'markdown' },
      { path: 'instance.maintenanceLifetime', label: 'How long it is meant to last', kind: 'markdown' },
      { path: 'instance.businessModel', label: 'How it is paid for', kind: 'markdown' },
      { path: 'instance.hardwareInformation', label: 'Hardware', kind: 'markdown' },
      { path: 'instance.isNSFW', label: 'This instance shows mostly sensitive content', kind: 'bool' },
      {
        path: 'instance.defaultNSFWPolicy',
        label: 'Videos with sensitive content',
        kind: 'select',
        options: [
          { value: 'do_not_list', label: 'Do not list them' },
          { value: 'warn', label: 'Warn' },
          { value: 'blur', label: 'Blur their thumbnails' },
          { value: 'display', label: 'Show them' },
        ],
      },
      { path: 'instance.defaultClientRoute', label: 'Landing page', kind: 'text', hint: 'An address of the web client, such as /videos/trending.' },
      { path: 'admin.email', label: 'Administrator email', kind: 'text' },
      { path: 'contactForm.enabled', label: 'Visitors may write through the contact form', kind: 'bool' },
    ],
  },
  {
    id: 'signup',
    title: 'Sign-up and users',
    fields: [
      { path: 'signup.enabled', label: 'Anyone may create an account', kind: 'bool' },
      { path: 'signup.requiresApproval', label: 'A moderator approves each new account', kind: 'bool' },
      { path: 'signup.requiresEmailVerification', label: 'New users verify their email address', kind: 'bool' },
      { path: 'signup.limit', label: 'Most users (-1 for no limit)', kind: 'int', min: -1, required: true },
      { path: 'signup.minimumAge', label: 'Minimum age', kind: 'int', min: 0, required: true },
      { path: 'user.videoQuota', label: 'Video quota of new users', kind: 'quota', min: -1 },
      { path: 'user.videoQuotaDaily', label: 'Daily video quota of new users', kind: 'quota', min: -1 },
      { path: 'videoChannels.maxPerUser', label: 'Most channels a user may have', kind: 'int', min: 1 },
      { path: 'autoBlacklist.videos.ofUsers.enabled', label: 'Block new videos of users until a moderator reviews them', kind: 'bool' },
    ],
  },
  {
    id: 'import',
    title: 'Import and synchronisation',
    fields: [
      { path: 'import.videos.http.enabled', label: 'Users may import videos by URL', kind: 'bool' },
      { path: 'import.videos.torrent.enabled', label: 'Users may import videos from a torrent', kind: 'bool' },
      { path: 'import.video_channel_synchronization.enabled', label: 'Users may synchronise a channel of another platform', kind: 'bool' },
      { path: 'videoFile.update.enabled', label: 'Users may replace a video’s file', kind: 'bool' },
    ],
  },
  {
    id: 'federation',
    title: 'Federation',
    fields: [
      { path: 'followers.instance.enabled', label: 'Other instances may follow this one', kind: 'bool' },
      { path: 'followers.instance.manualApproval', label: 'An administrator accepts each new follower', kind: 'bool' },
    ],
  },
  {
    id: 'transcoding',
    title: 'Transcoding',
    fields: [
      { path: 'transcoding.enabled', label: 'Transcode uploaded videos', kind: 'bool' },
      { path: 'transcoding.hls.enabled', label: 'Make HLS streams', kind: 'bool' },
      { path: 'transcoding.web_videos.enabled', label: 'Make web video files', kind: 'bool' },
      { path: 'transcoding.originalFile.keep', label: 'Keep the original file', kind: 'bool' },
      ...resolutionFields('transcoding'),
      { path: 'transcoding.remoteRunners.enabled', label: 'Remote runners transcode', kind: 'bool' },
      { path: 'videoStudio.enabled', label: 'Users may edit videos in the studio', kind: 'bool' },
      { path: 'storyboard.enabled', label: 'Make storyboards (previews over the seek bar)', kind: 'bool' },
      { path: 'videoTranscription.enabled', label: 'Transcribe videos into captions', kind: 'bool' },
    ],
  },
  {
    id: 'live',
    title: 'Live streaming',
    fields: [
      { path: 'live.enabled', label: 'Users may go live', kind: 'bool' },
      { path: 'live.allowReplay', label: 'Lives may be saved as videos', kind: 'bool' },
      { path: 'live.latencySetting.enabled', label: 'Users may choose a live’s latency', kind: 'bool' },
      { path: 'live.maxDuration', label: 'Longest live, in milliseconds (-1 for no limit)', kind: 'int', min: -1 },
      { path: 'live.maxInstanceLives', label: 'Most lives at once on the instance (-1 for no limit)', kind: 'int', min: -1 },
      { path: 'live.maxUserLives', label: 'Most lives at once per user (-1 for no limit)', kind: 'int', min: -1 },
      { path: 'live.transcoding.enabled', label: 'Transcode lives', kind: 'bool' },
      ...resolutionFields('live.transcoding'),
    ],
  },
  {
    id: 'advanced',
    title: 'Advanced',
    fields: [
      { path: 'instance.customizations.css', label: 'Custom CSS', kind: 'textarea' },
      { path: 'instance.customizations.javascript', label: 'Custom JavaScript', kind: 'textarea' },
    ],
  },
];

export function getPath(config: unknown, path: string): unknown {
  let value: unknown = config;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A copy of `config` with `path` set to `value` (objects on the way copied, or made). */
export function setPath<T extends object>(config: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.');
  const record = config as Record<string, unknown>;
  const inner = record[head!];
  const next = rest.length === 0 ? value : setPath(typeof inner === 'object' && inner !== null ? inner : {}, rest.join('.'), value);
  return { ...record, [head!]: next } as T;
}

/** The fields the form shows that the loaded document has (others come with newer servers). */
export function shownFields(config: CustomConfig, section: ConfigSection): ConfigField[] {
  return section.fields.filter((field) => getPath(config, field.path) !== undefined || field.required);
}

/** What is wrong with the document before it is sent, by field path (the server checks it again). */
export function configProblems(config: CustomConfig): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const section of CONFIG_SECTIONS) {
    for (const field of section.fields) {
      const value = getPath(config, field.path);
      if (value === undefined) continue;
      if (field.kind === 'int' || field.kind === 'quota') {
        if (typeof value !== 'number' || !Number.isInteger(value)) problems[field.path] = 'Give a whole number.';
        else if (field.min !== undefined && value < field.min) problems[field.path] = `Give a number of at least ${field.min}.`;
      } else if (field.required && typeof value === 'string' && !value.trim()) {
        problems[field.path] = 'This field is required.';
      } else if (field.maxLength && typeof value === 'string' && value.trim().length > field.maxLength) {
        problems[field.path] = `At most ${field.maxLength} characters.`;
      }
    }
  }
  const email = getPath(config, 'admin.email');
  if (typeof email === 'string' && email !== '' && !email.includes('@')) problems['admin.email'] = 'Give an email address.';
  return problems;
}

/** The section a field belongs to (to open it when the server refuses the field). */
export function sectionOf(path: string): string | undefined {
  return CONFIG_SECTIONS.find((section) => section.fields.some((field) => field.path === path))?.id;
}

/** An input's id for a field path. */
export const fieldId = (path: string) => `config-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;
