// The new-user and edit-user forms: PeerTube's checks on what an administrator types
// (CONSTRAINTS_FIELDS.USERS), before the server checks it again.
import { formatBytes } from '../format';
import { QUOTA_CHOICES } from './configForm';

export interface NewUserFields {
  username: string;
  email: string;
  password: string;
  role: number;
  videoQuota: number;
  videoQuotaDaily: number;
}

const USERNAME = /^[a-z0-9._]{1,50}$/;

/** What is wrong with a new user, by field name; empty when it may be sent. */
export function newUserProblems(fields: NewUserFields, roles: number[]): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!USERNAME.test(fields.username)) {
    problems.username = 'Use 1 to 50 lowercase letters, digits, dots and underscores.';
  }
  if (!/^[^\s@]+@[^\s@]+$/.test(fields.email)) problems.email = 'Give an email address.';
  if (fields.password.length < 6 || fields.password.length > 255) problems.password = 'Use 6 to 255 characters.';
  if (!roles.includes(fields.role)) problems.role = 'You may not give this role.';
  for (const key of ['videoQuota', 'videoQuotaDaily'] as const) {
    if (!Number.isInteger(fields[key]) || fields[key] < -1) problems[key] = 'Choose a quota.';
  }
  return problems;
}

/** A quota's label ("Unlimited", "1 GB"...), or its size when it is not one of the choices. */
export function quotaLabel(bytes: number): string {
  return QUOTA_CHOICES.find((c) => c.value === bytes)?.label ?? formatBytes(bytes);
}

/** The quota choices, with the current value among them even when it is not a usual one. */
export function quotaOptions(current: number): { value: number; label: string }[] {
  if (QUOTA_CHOICES.some((c) => c.value === current)) return QUOTA_CHOICES;
  return [...QUOTA_CHOICES, { value: current, label: quotaLabel(current) }].sort((a, b) =>
    a.value === -1 ? -1 : b.value === -1 ? 1 : a.value - b.value,
  );
}
