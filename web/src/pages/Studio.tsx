import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { errorMessage } from '../api';
import { session } from '../auth';
import { ErrorMessage, Loading } from '../components/Status';
import { formatDuration } from '../format';
import { useApp, useLoad, useTitle } from '../hooks';
import { api } from '../services';
import { useFollowedVideo } from '../encoding';
import {
  editedDuration,
  editProgress,
  fieldOfRefusal,
  FILE_TASKS,
  postToStorage,
  studioEdit,
  type FileChoice,
  type FileTask,
  type StudioChoices,
} from '../studio';

const MAX_SEGMENTS = 10;

/** PeerTube's studio (/studio/edit/:id): cut points on the video's timeline, segments to take
 * out, an intro, an outro and a watermark (each posted straight to storage, its error shown
 * beside its field); then the edit's progress until the result plays. */
export function Studio() {
  const { id = '' } = useParams();
  const { config } = useApp();
  const video = useLoad((s) => api.video(id, s), [id]);
  useTitle(video.data ? `Studio: ${video.data.name}` : 'Studio');
  const [choices, setChoices] = useState<StudioChoices>({
    cutStart: null,
    cutEnd: null,
    removed: [],
    intro: null,
    outro: null,
    watermark: null,
    saveAsNewVideo: false,
  });
  const [error, setError] = useState<string | null>(null);
  const [fileErrors, setFileErrors] = useState<Partial<Record<FileChoice, string>>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  // After the edit is sent: the video as last read, followed until it is published with
  // every rendition (null: not read yet).
  const edited = useFollowedVideo(sent && !choices.saveAsNewVideo ? id : null, (v) => editProgress(v).done).video;
  const progress = editProgress(edited);

  if (!session.signedIn) {
    return (
      <p>
        <Link to={`/login?next=/studio/edit/${id}`}>Log in</Link> to edit your videos.
      </p>
    );
  }
  if (video.loading || !config) return <Loading />;
  if (video.error || !video.data) return <ErrorMessage error={video.error ?? ''} onRetry={video.reload} />;
  const current = video.data;
  if (!config.videoStudio?.enabled) {
    return (
      <section>
        <h1>Studio</h1>
        <p>This instance does not offer the studio.</p>
      </section>
    );
  }
  const duration = current.duration;
  const set = (changes: Partial<StudioChoices>) => setChoices((c) => ({ ...c, ...changes }));

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    setFileErrors({});
    if (!studioEdit(choices, duration).tasks.length) return setError('Choose at least one change.');
    // Each file to storage first (its own error beside its field), then the edit naming them.
    const uploads: Partial<Record<FileTask, string>> = {};
    const refused: Partial<Record<FileChoice, string>> = {};
    for (const [task, choice] of FILE_TASKS) {
      const file = choices[choice];
      if (!file) continue;
      setBusy(`Sending the ${choice}…`);
      try {
        const presigned = await api.studioUpload(current.id, task);
        await postToStorage(presigned, file);
        uploads[task] = presigned.uploadId;
      } catch (err) {
        refused[choice] = errorMessage(err);
      }
    }
    if (Object.keys(refused).length) {
      setFileErrors(refused);
      setBusy(null);
      return;
    }
    setBusy('Checking the edit…');
    try {
      await api.studioEdit(current.id, studioEdit(choices, duration, uploads));
      setSent(true);
    } catch (err) {
      const message = errorMessage(err);
      const field = fieldOfRefusal(message);
      if (field) setFileErrors({ [field]: message });
      else setError(message);
    } finally {
      setBusy(null);
    }
  };
  const fileField = (choice: FileChoice, label: string, accept: string) => {
    const problem = fileErrors[choice];
    return (
      <>
        <label htmlFor={`studio-${choice}`}>{label}</label>
        <input
          id={`studio-${choice}`}
          type="file"
          accept={accept}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `studio-${choice}-error` : undefined}
          onChange={(e) => {
            set({ [choice]: e.target.files?.[0] ?? null });
            setFileErrors((errors) => ({ ...errors, [choice]: undefined }));
          }}
        />
        {problem && (
          <p id={`studio-${choice}-error`} className="inline-error" role="alert">
            {problem}
          </p>
        )}
      </>
    );
  };

  if (sent) {
    const label = choices.saveAsNewVideo ? 'The edited copy will appear in your videos once it is ready.' : progress.label;
    return (
      <section aria-labelledby="studio-title">
        <h1 id="studio-title">Studio: {current.name}</h1>
        <p role="status" data-testid="studio-progress">
          {label}
        </p>
        {!choices.saveAsNewVideo && !progress.done && <progress aria-label="Edit in progress" />}
        <p>
          <Link to={`/w/${current.shortUUID ?? current.uuid}`}>Watch the video</Link> ·{' '}
          <Link to="/my-library">My videos</Link>
        </p>
      </section>
    );
  }

  const start = choices.cutStart ?? 0;
  const end = choices.cutEnd ?? duration;
  return (
    <section aria-labelledby="studio-title">
      <h1 id="studio-title">Studio: {current.name}</h1>
      <form className="form studio" onSubmit={(e) => void submit(e)}>
        <fieldset>
          <legend>Cut (keep from start to end)</legend>
          <div className="timeline" aria-hidden="true">
            <div
              className="timeline__kept"
              style={{ left: `${(start / Math.max(duration, 1)) * 100}%`, width: `${((end - start) / Math.max(duration, 1)) * 100}%` }}
            />
          </div>
          <label htmlFor="studio-start">Start ({formatDuration(start)})</label>
          <input
            id="studio-start"
            type="range"
            min={0}
            max={duration}
            step={1}
            value={start}
            onChange={(e) => set({ cutStart: Math.min(Number(e.target.value), end - 1) })}
          />
          <label htmlFor="studio-end">End ({formatDuration(end)})</label>
          <input
            id="studio-end"
            type="range"
            min={0}
            max={duration}
            step={1}
            value={end}
            onChange={(e) => set({ cutEnd: Math.max(Number(e.target.value), start + 1) })}
          />
        </fieldset>
        <fieldset>
          <legend>Segments to take out (seconds of the cut video)</legend>
          {choices.removed.map((segment, index) => (
            <div key={index} className="segment">
              <label>
                From{' '}
                <input
                  type="number"
                  min={0}
                  value={segment.start}
                  aria-label={`Segment ${index + 1} start`}
                  onChange={(e) =>
                    set({ removed: choices.removed.map((s, i) => (i === index ? { ...s, start: Number(e.target.value) } : s)) })
                  }
                />
              </label>{' '}
              <label>
                to{' '}
                <input
                  type="number"
                  min={0}
                  value={segment.end}
                  aria-label={`Segment ${index + 1} end`}
                  onChange={(e) =>
                    set({ removed: choices.removed.map((s, i) => (i === index ? { ...s, end: Number(e.target.value) } : s)) })
                  }
                />
              </label>{' '}
              <button
                type="button"
                className="link-button"
                onClick={() => set({ removed: choices.removed.filter((_, i) => i !== index) })}
              >
                Remove
              </button>
            </div>
          ))}
          {choices.removed.length < MAX_SEGMENTS && (
            <button type="button" className="button" onClick={() => set({ removed: [...choices.removed, { start: 0, end: 1 }] })}>
              Add a segment
            </button>
          )}
        </fieldset>
        {fileField('intro', 'Intro (a video played before)', 'video/*')}
        {fileField('outro', 'Outro (a video played after)', 'video/*')}
        {fileField('watermark', 'Watermark (an image, top right)', 'image/png,image/jpeg,image/webp')}
        <label className="checkbox">
          <input type="checkbox" checked={choices.saveAsNewVideo} onChange={(e) => set({ saveAsNewVideo: e.target.checked })} />{' '}
          Save as a new video (keep this one as it is)
        </label>
        <p className="muted">
          The edited video lasts {formatDuration(editedDuration(choices, duration))}, before an intro or an outro.
        </p>
        <button type="submit" className="button button--primary" disabled={busy !== null}>
          {busy ?? 'Run the edit'}
        </button>
        {error && (
          <p className="inline-error" role="alert">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
