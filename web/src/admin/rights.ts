// PeerTube's user rights per role (UserRole, UserRight, getUserRoleRights), and which pages of
// the Administration area each role reaches. The server checks every call again
// (chalicelib/domain/roles.py); this only keeps a person from pages that would refuse them.

export const ADMINISTRATOR = 0;
export const MODERATOR = 1;
export const USER = 2;

/** The rights the Administration area asks for (PeerTube's UserRight numbers). */
export const Right = {
  MANAGE_USERS: 1,
  MANAGE_SERVER_FOLLOW: 2,
  MANAGE_LOGS: 3,
  MANAGE_SERVER_REDUNDANCY: 5,
  MANAGE_ABUSES: 6,
  MANAGE_JOBS: 7,
  MANAGE_CONFIGURATION: 8,
  MANAGE_ACCOUNTS_BLOCKLIST: 10,
  MANAGE_SERVERS_BLOCKLIST: 11,
  MANAGE_VIDEO_BLACKLIST: 12,
  MANAGE_ANY_VIDEO_COMMENT: 16,
  SEE_ALL_COMMENTS: 21,
  MANAGE_PLUGINS: 23,
  MANAGE_REGISTRATIONS: 28,
  MANAGE_RUNNERS: 29,
  MANAGE_INSTANCE_WATCHED_WORDS: 32,
} as const;
export type Right = (typeof Right)[keyof typeof Right];

const MODERATOR_RIGHTS: ReadonlySet<Right> = new Set<Right>([
  Right.MANAGE_VIDEO_BLACKLIST,
  Right.MANAGE_ABUSES,
  Right.MANAGE_ACCOUNTS_BLOCKLIST,
  Right.MANAGE_SERVERS_BLOCKLIST,
  Right.MANAGE_USERS,
  Right.SEE_ALL_COMMENTS,
  Right.MANAGE_ANY_VIDEO_COMMENT,
  Right.MANAGE_REGISTRATIONS,
  Right.MANAGE_INSTANCE_WATCHED_WORDS,
]);

export function hasRight(role: number | undefined, right: Right): boolean {
  if (role === ADMINISTRATOR) return true;
  if (role === MODERATOR) return MODERATOR_RIGHTS.has(right);
  return false;
}

/** Whether `actor` may edit, block or delete a user of role `target`: administrators anyone,
 * moderators plain users only (PeerTube's user.canManage). */
export function canManage(actor: number | undefined, target: number): boolean {
  if (actor === ADMINISTRATOR) return true;
  return actor === MODERATOR && target === USER;
}

/** The roles `actor` may give: only an administrator hands out a role with rights. */
export function assignableRoles(actor: number | undefined): number[] {
  if (actor === ADMINISTRATOR) return [ADMINISTRATOR, MODERATOR, USER];
  return actor === MODERATOR ? [USER] : [];
}

export const ROLE_LABELS: Record<number, string> = { 0: 'Administrator', 1: 'Moderator', 2: 'User' };

export interface AdminPage {
  /** Under /admin/. */
  path: string;
  label: string;
  group: 'Overview' | 'Moderation' | 'Federation' | 'Settings' | 'System';
  right: Right;
}

/** Every page of the Administration area, in the navigation's order (PeerTube's groups). */
export const ADMIN_PAGES: readonly AdminPage[] = [
  { path: 'users', label: 'Users', group: 'Overview', right: Right.MANAGE_USERS },
  { path: 'registrations', label: 'Registrations', group: 'Overview', right: Right.MANAGE_REGISTRATIONS },
  { path: 'comments', label: 'Comments', group: 'Overview', right: Right.SEE_ALL_COMMENTS },
  { path: 'abuses', label: 'Reports', group: 'Moderation', right: Right.MANAGE_ABUSES },
  { path: 'video-blocks', label: 'Video blocks', group: 'Moderation', right: Right.MANAGE_VIDEO_BLACKLIST },
  { path: 'blocklist', label: 'Muted accounts and servers', group: 'Moderation', right: Right.MANAGE_ACCOUNTS_BLOCKLIST },
  { path: 'watched-words', label: 'Watched words', group: 'Moderation', right: Right.MANAGE_INSTANCE_WATCHED_WORDS },
  { path: 'follows', label: 'Follows', group: 'Federation', right: Right.MANAGE_SERVER_FOLLOW },
  { path: 'redundancy', label: 'Redundancy', group: 'Federation', right: Right.MANAGE_SERVER_REDUNDANCY },
  { path: 'settings', label: 'Settings', group: 'Settings', right: Right.MANAGE_CONFIGURATION },
  { path: 'appearance', label: 'Appearance', group: 'Settings', right: Right.MANAGE_CONFIGURATION },
  { path: 'plugins', label: 'Plugins', group: 'Settings', right: Right.MANAGE_PLUGINS },
  { path: 'jobs', label: 'Runners and jobs', group: 'System', right: Right.MANAGE_JOBS },
];

export function pagesFor(role: number | undefined): AdminPage[] {
  return ADMIN_PAGES.filter((page) => hasRight(role, page.right));
}

/** The page an address under /admin names (its first segment), if any. */
export function pageAt(pathname: string): AdminPage | undefined {
  const segment = pathname.replace(/^\/admin\/?/, '').split('/')[0];
  return ADMIN_PAGES.find((page) => page.path === segment);
}

/** May this role open the Administration area at all? */
export const seesAdministration = (role: number | undefined) => pagesFor(role).length > 0;
