// A video's details: the upload page's form after the file, and the library's edit form.
// Both send PUT /api/v1/videos/{id} with the fields below.
import { useState } from 'react';
import { errorMessage } from '../api';
import { useLoad } from '../hooks';
import { api } from '../services';
import type { VideoDetails } from '../types';
import { parsePasswords, PRIVACY_PASSWORD, passwordsProblem } from '../videoPassword';

export interface VideoFields {
  name: string;
  channelId: string;
  privacy: string;
  category: string;
  licence: string;
  language: string;
  tags: string;
  description: string;
  nsfw: boolean;
  commentsPolicy: string;
  /** A password-protected video's passwords, one a line; empty keeps the current ones. */
  passwords: string;
}

// PeerTube's comment policies (it has no reference endpoint for them).
const COMMENT_POLICIES: Record<string, string> = { '1': 'Enabled', '2': 'Disabled', '3': 'Held for my approval' };

export function fieldsOf(video: VideoDetails): VideoFields {
  return {
    name: video.name,
    channelId: String(video.channel.id),
    privacy: String(video.privacy.id),
    category: video.category?.id != null ? String(video.category.id) : '',
    licence: video.licence?.id != null ? String(video.licence.id) : '',
    language: video.language?.id ?? '',
    tags: (video.tags ?? []).join(', '),
    description: video.description ?? '',
    nsfw: video.nsfw,
    commentsPolicy: String(video.commentsPolicy?.id ?? 1),
    passwords: '',
  };
}

const isProtected = (fields: VideoFields) => Number(fields.privacy) === PRIVACY_PASSWORD;

/** The privacies offered before a file is sent: a password-protected video gets its
 * passwords in the details form, once the upload has made it. */
export function withoutPasswordPrivacy(privacies: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(privacies ?? {}).filter(([id]) => Number(id) !== PRIVACY_PASSWORD));
}

/** Why the passwords cannot be saved, or null: a video becoming password-protected needs
 * some; one that already is keeps its own when none are typed. */
export function passwordsError(fields: VideoFields, wasProtected: boolean): string | null {
  if (!isProtected(fields)) return null;
  const passwords = parsePasswords(fields.passwords);
  if (passwords.length === 0 && wasProtected) return null;
  return passwordsProblem(passwords);
}

/** The PUT body for the fields. */
export function updateOf(fields: VideoFields): Record<string, unknown> {
  return {
    name: fields.name,
    channelId: Number(fields.channelId),
    privacy: Number(fields.privacy),
    category: fields.category ? Number(fields.category) : null,
    licence: fields.licence ? Number(fields.licence) : null,
    language: fields.language || null,
    tags: fields.tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    description: fields.description,
    nsfw: fields.nsfw,
    commentsPolicy: Number(fields.commentsPolicy),
    ...(isProtected(fields) && parsePasswords(fields.passwords).length > 0
      ? { videoPasswords: parsePasswords(fields.passwords) }
      : {}),
  };
}

export function Options({ entries }: { entries: Record<string, string> | undefined }) {
  return (
    <>
      {Object.entries(entries ?? {}).map(([id, label]) => (
        <option key={id} value={id}>
          {label}
        </option>
      ))}
    </>
  );
}

/** The reference lists the form's selects offer. */
export function useReference() {
  return useLoad(
    async (s) => {
      const [privacies, categories, licences, languages] = await Promise.all(
        (['privacies', 'categories', 'licences', 'languages'] as const).map((k) => api.reference(k, s)),
      );
      return { privacies, categories, licences, languages };
    },
    [],
  );
}

export type Reference = NonNullable<ReturnType<typeof useReference>['data']>;

export function VideoForm(props: {
  /** Prefix of the fields' ids, so that two forms can share a page. */
  id: string;
  initial: VideoFields;
  reference: Reference;
  channels: { id: number; displayName: string }[];
  submitLabel: string;
  /** Why saving is not possible yet, if it is not. */
  waitingFor?: string;
  onSave: (fields: VideoFields) => Promise<void>;
  onCancel?: () => void;
  label: string;
}) {
  const { id, reference } = props;
  const [fields, setFields] = useState(props.initial);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const set = (k: keyof VideoFields) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
    setFields({ ...fields, [k]: e.target.type === 'checkbox' ? (e.target as HTMLInputElement).checked : e.target.value });
  const f = (name: string) => `${id}-${name}`;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const problem = passwordsError(fields, isProtected(props.initial));
    if (problem) {
      setError(problem);
      return;
    }
    setSaving(true);
    setError(null);
    try {
      await props.onSave(fields);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="form form--wide" onSubmit={submit} aria-label={props.label}>
      {error && (
        <p className="error-box" role="alert">
          {error}
        </p>
      )}
      <label htmlFor={f('name')}>Title</label>
      <input id={f('name')} required minLength={3} maxLength={120} value={fields.name} onChange={set('name')} />
      <div className="form__row">
        <div>
          <label htmlFor={f('channel')}>Channel</label>
          <select id={f('channel')} value={fields.channelId} onChange={set('channelId')}>
            {props.channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.displayName}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={f('privacy')}>Privacy</label>
          <select id={f('privacy')} value={fields.privacy} onChange={set('privacy')}>
            <Options entries={reference.privacies} />
          </select>
        </div>
        <div>
          <label htmlFor={f('comments')}>Comments</label>
          <select id={f('comments')} value={fields.commentsPolicy} onChange={set('commentsPolicy')}>
            <Options entries={COMMENT_POLICIES} />
          </select>
        </div>
      </div>
      <div className="form__row">
        <div>
          <label htmlFor={f('category')}>Category</label>
          <select id={f('category')} value={fields.category} onChange={set('category')}>
            <option value="">None</option>
            <Options entries={reference.categories} />
          </select>
        </div>
        <div>
          <label htmlFor={f('licence')}>Licence</label>
          <select id={f('licence')} value={fields.licence} onChange={set('licence')}>
            <option value="">None</option>
            <Options entries={reference.licences} />
          </select>
        </div>
        <div>
          <label htmlFor={f('language')}>Language</label>
          <select id={f('language')} value={fields.language} onChange={set('language')}>
            <option value="">Unknown</option>
            <Options entries={reference.languages} />
          </select>
        </div>
      </div>
      {isProtected(fields) && (
        <>
          <label htmlFor={f('passwords')}>Passwords</label>
          <textarea
            id={f('passwords')}
            rows={3}
            autoComplete="off"
            value={fields.passwords}
            onChange={set('passwords')}
            aria-describedby={f('passwords-hint')}
          />
          <p id={f('passwords-hint')} className="hint">
            One password a line (2 to 99 characters each); anyone with one of them can watch the video.
            {isProtected(props.initial) && ' Leave empty to keep the current passwords.'}
          </p>
        </>
      )}
      <label htmlFor={f('tags')}>Tags</label>
      <input id={f('tags')} value={fields.tags} onChange={set('tags')} aria-describedby={f('tags-hint')} />
      <p id={f('tags-hint')} className="hint">
        Up to 5 tags, separated by commas.
      </p>
      <label htmlFor={f('description')}>Description</label>
      <textarea id={f('description')} rows={5} value={fields.description} onChange={set('description')} aria-describedby={f('description-hint')} />
      <p id={f('description-hint')} className="hint">
        Markdown is supported.
      </p>
      <label className="checkbox">
        <input type="checkbox" checked={fields.nsfw} onChange={set('nsfw')} /> This video contains sensitive content
      </label>
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={saving || props.waitingFor !== undefined}>
          {props.waitingFor ?? (saving ? 'Saving…' : props.submitLabel)}
        </button>
        {props.onCancel && (
          <button type="button" className="button" onClick={props.onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
