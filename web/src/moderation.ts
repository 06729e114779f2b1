// Comment moderation and watched words: PeerTube's routes for an account's (or the
// instance's) watched-word lists, automatic tags, and comments held for review.
import { session } from './auth';
import { query } from './services';
import type { Actor, Page } from './types';

/** PeerTube's WatchedWordsList. */
export interface WatchedWordsList {
  id: number;
  listName: string;
  words: string[];
  createdAt: string;
  updatedAt: string;
}

/** PeerTube's VideoCommentForOwnerOrAdmin. */
export interface ModeratedComment {
  id: number;
  url: string;
  text: string;
  threadId: number;
  inReplyToCommentId: number | null;
  videoId: number;
  createdAt: string;
  heldForReview: boolean;
  automaticTags: string[];
  video: { id: number; uuid: string; name: string };
  account: Actor | null;
}

export interface AvailableTag {
  name: string;
  type: 'core' | 'watched-words-list';
}

/** Whose lists: an account's (by its name), or the instance's. */
export type Owner = { account: string } | 'server';

// PeerTube's limits (CONSTRAINTS_FIELDS.WATCHED_WORDS).
export const LIST_NAME_MAX = 100;
export const WORDS_MAX = 500;
export const WORD_MAX = 100;

/** The words typed one a line: trimmed, blank lines and repeats dropped. */
export function parseWords(text: string): string[] {
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const word = line.trim();
    if (word) seen.add(word);
  }
  return [...seen];
}

/** What is wrong with a list before it is sent (the server checks it again), or null. */
export function listProblem(name: string, words: string[]): string | null {
  if (!name.trim()) return 'Give the list a name.';
  if (name.trim().length > LIST_NAME_MAX) return `A list name has at most ${LIST_NAME_MAX} characters.`;
  if (words.length === 0) return 'Add at least one word.';
  if (words.length > WORDS_MAX) return `A list has at most ${WORDS_MAX} words.`;
  const long = words.find((w) => w.length > WORD_MAX);
  if (long) return `“${long.slice(0, 20)}…” is longer than ${WORD_MAX} characters.`;
  return null;
}

const listsPath = (owner: Owner) =>
  owner === 'server' ? '/api/v1/watched-words/server/lists' : `/api/v1/watched-words/accounts/${encodeURIComponent(owner.account)}/lists`;

export const moderationApi = {
  lists: (owner: Owner, signal?: AbortSignal) =>
    session.json<Page<WatchedWordsList>>(`${listsPath(owner)}${query({ count: 100, sort: 'listName' })}`, { signal }),
  addList: (owner: Owner, listName: string, words: string[]) =>
    session.json<{ watchedWordsList: { id: number } }>(listsPath(owner), { method: 'POST', json: { listName, words } }),
  updateList: (owner: Owner, id: number, listName: string, words: string[]) =>
    session.send(`${listsPath(owner)}/${id}`, { method: 'PUT', json: { listName, words } }),
  deleteList: (owner: Owner, id: number) => session.send(`${listsPath(owner)}/${id}`, { method: 'DELETE' }),
  available: (owner: Owner, signal?: AbortSignal) =>
    session.json<{ available: AvailableTag[] }>(
      owner === 'server'
        ? '/api/v1/automatic-tags/server/available'
        : `/api/v1/automatic-tags/accounts/${encodeURIComponent(owner.account)}/available`,
      { signal },
    ),
  reviewPolicy: (account: string, signal?: AbortSignal) =>
    session.json<{ review: string[] }>(`/api/v1/automatic-tags/policies/accounts/${encodeURIComponent(account)}/comments`, {
      signal,
    }),
  setReviewPolicy: (account: string, review: string[]) =>
    session.send(`/api/v1/automatic-tags/policies/accounts/${encodeURIComponent(account)}/comments`, {
      method: 'PUT',
      json: { review },
    }),
  comments: (
    scope: 'mine' | 'all',
    params: { start: number; count: number; search?: string; isHeldForReview?: boolean; autoTagOneOf?: string; isLocal?: boolean },
    signal?: AbortSignal,
  ) =>
    session.json<Page<ModeratedComment>>(
      `${scope === 'mine' ? '/api/v1/users/me/videos/comments' : '/api/v1/videos/comments'}${query({ ...params, sort: '-createdAt' })}`,
      { signal },
    ),
  approve: (comment: ModeratedComment) =>
    session.send(`/api/v1/videos/${comment.videoId}/comments/${comment.id}/approve`, { method: 'POST' }),
  remove: (comment: ModeratedComment) => session.send(`/api/v1/videos/${comment.videoId}/comments/${comment.id}`, { method: 'DELETE' }),
};
