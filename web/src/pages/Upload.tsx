import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api';
import { session } from '../auth';
import { ErrorMessage, Loading } from '../components/Status';
import { formatBytes, formatSpeed, formatTimeLeft, SpeedMeter } from '../format';
import { useApp, useLoad, useTitle } from '../hooks';
import { api } from '../services';
import { PUBLISHED, type VideoDetails } from '../types';
import { abandon, DirectUpload, savedBytes, savedUploads, xhrPartSender, type SavedUpload, type UploadStatus } from '../upload';

function Options({ entries }: { entries: Record<string, string> | undefined }) {
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

export function Upload() {
  useTitle('Upload a video');
  const { me, config } = useApp();
  const reference = useLoad(
    (s) => Promise.all(['privacies', 'categories', 'licences', 'languages'].map((k) => api.reference(k as 'privacies', s))),
    [],
  );
  const [channelId, setChannelId] = useState<number | null>(null);
  const [privacy, setPrivacy] = useState(1);
  const [status, setStatus] = useState<UploadStatus | null>(null);
  const [speed, setSpeed] = useState(0);
  const [pending, setPending] = useState<SavedUpload[]>(() => savedUploads.list());
  const upload = useRef<DirectUpload | null>(null);
  const meter = useRef(new SpeedMeter());
  const [fileError, setFileError] = useState<string | null>(null);
  const [uploadName, setUploadName] = useState('');

  useEffect(() => {
    if (me?.videoChannels?.[0] && channelId === null) setChannelId(me.videoChannels[0].id);
  }, [me, channelId]);

  // Leaving the page mid-upload stops it; picking the same file later resumes it.
  useEffect(() => () => upload.current?.pause(), []);

  if (!session.signedIn) {
    return (
      <section>
        <h1>Upload a video</h1>
        <p>
          <Link to="/login?next=/upload">Log in</Link> to upload videos.
        </p>
      </section>
    );
  }
  if (!me || reference.loading) return <Loading />;
  if (reference.error) return <ErrorMessage error={reference.error} onRetry={reference.reload} />;
  const [privacies = {}, categories = {}, licences = {}, languages = {}] = reference.data ?? [];

  const start = (file: File) => {
    setFileError(null);
    const name = file.name.replace(/\.[^.]+$/, '').slice(0, 120) || file.name;
    const job = new DirectUpload(
      file,
      { name: name.length < 3 ? `${name} video` : name, channelId: channelId ?? 0, privacy },
      {
        token: () => session.accessToken(),
        sendPart: xhrPartSender,
        onStatus: (s) => {
          setStatus(s);
          if (s.phase === 'uploading') {
            meter.current.add(performance.now(), s.sent);
            setSpeed(meter.current.bytesPerSecond);
          } else meter.current.reset();
        },
      },
    );
    // Resuming: the video exists already, with the name and channel it was started with.
    const resumed = job.resumedMetadata;
    setUploadName(resumed?.name ?? name);
    if (resumed) {
      setChannelId(resumed.channelId);
      setPrivacy(resumed.privacy);
    }
    meter.current.reset();
    upload.current = job;
    void job.run().then(() => setPending(savedUploads.list()));
  };

  return (
    <section aria-labelledby="upload-title">
      <h1 id="upload-title">Upload a video</h1>
      {!status && (
        <>
          {pending.length > 0 && (
            <div className="notice" role="status">
              <p>You have unfinished uploads. Pick the same file again to resume where it stopped:</p>
              <ul>
                {pending.map((p) => (
                  <li key={p.fingerprint}>
                    {p.filename} ({Math.floor((100 * savedBytes(p)) / p.size)} % of {formatBytes(p.size)}){' '}
                    <button
                      type="button"
                      className="link-button"
                      aria-label={`Abandon the upload of ${p.filename}`}
                      onClick={() => {
                        savedUploads.remove(p.fingerprint);
                        setPending(savedUploads.list());
                        void abandon(p, () => session.accessToken());
                      }}
                    >
                      Abandon
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          )}
          <div className="form">
            <label htmlFor="upload-channel">Channel</label>
            <select id="upload-channel" value={channelId ?? ''} onChange={(e) => setChannelId(Number(e.target.value))}>
              {(me.videoChannels ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.displayName}
                </option>
              ))}
            </select>
            <label htmlFor="upload-privacy">Privacy</label>
            <select id="upload-privacy" value={privacy} onChange={(e) => setPrivacy(Number(e.target.value))}>
              <Options entries={privacies} />
            </select>
            <label htmlFor="upload-file" className="file-pick">
              Choose a video file to upload
            </label>
            <input
              id="upload-file"
              type="file"
              accept={(config?.video?.file?.extensions ?? ['.mp4', '.webm', '.mkv', '.mov']).join(',')}
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (!file) return;
                if (channelId === null) return setFileError('Create a channel first (My library › Channels).');
                start(file);
              }}
            />
            {fileError && (
              <p className="inline-error" role="alert">
                {fileError}
              </p>
            )}
          </div>
        </>
      )}
      {status && (
        <>
          <Progress status={status} speed={speed} onCancel={() => void upload.current?.cancel()} />
          {status.phase !== 'cancelled' && status.phase !== 'failed' && (
            <Details
              status={status}
              name={uploadName}
              categories={categories}
              licences={licences}
              languages={languages}
              privacies={privacies}
              privacy={privacy}
              channels={me.videoChannels ?? []}
              channelId={channelId}
            />
          )}
          {(status.phase === 'cancelled' || status.phase === 'failed') && (
            <button type="button" className="button" onClick={() => setStatus(null)}>
              Choose another file
            </button>
          )}
        </>
      )}
    </section>
  );
}

function Progress({ status, speed, onCancel }: { status: UploadStatus; speed: number; onCancel: () => void }) {
  const percent = status.total ? Math.floor((100 * status.sent) / status.total) : 0;
  const label =
    status.phase === 'done'
      ? 'Upload complete'
      : status.phase === 'retrying'
        ? `Paused: ${status.error ?? 'network error'} Retrying in ${Math.round((status.retryInMs ?? 0) / 1000)} s…`
        : status.phase === 'failed'
          ? `Upload failed: ${status.error}`
          : status.phase === 'cancelled'
            ? 'Upload cancelled'
            : status.phase === 'starting'
              ? 'Starting the upload…'
              : status.phase === 'completing'
                ? 'Finishing the upload…'
                : `Uploading: ${percent} %`;
  return (
    <div className="upload-progress">
      <p id="upload-progress-label" role={status.phase === 'failed' ? 'alert' : 'status'}>
        {label}
      </p>
      <progress aria-labelledby="upload-progress-label" max={status.total} value={status.sent} data-testid="upload-progress" />
      <p className="muted">
        {formatBytes(status.sent)} of {formatBytes(status.total)}
        {status.phase === 'uploading' && speed > 0 && (
          <>
            {' '}
            · {formatSpeed(speed)} · {formatTimeLeft(status.total - status.sent, speed)}
          </>
        )}
      </p>
      {(status.phase === 'uploading' || status.phase === 'retrying' || status.phase === 'starting') && (
        <button type="button" className="button" onClick={onCancel}>
          Cancel upload
        </button>
      )}
    </div>
  );
}

function Details(props: {
  status: UploadStatus;
  name: string;
  categories: Record<string, string>;
  licences: Record<string, string>;
  languages: Record<string, string>;
  privacies: Record<string, string>;
  privacy: number;
  channels: { id: number; displayName: string }[];
  channelId: number | null;
}) {
  const { status } = props;
  const [fields, setFields] = useState({
    name: props.name,
    channelId: String(props.channelId ?? ''),
    privacy: String(props.privacy),
    category: '',
    licence: '',
    language: '',
    tags: '',
    description: '',
    nsfw: false,
  });
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [published, setPublished] = useState<VideoDetails | null>(null);
  const [state, setState] = useState<string | null>(null);
  const set = (k: keyof typeof fields) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
    setFields({ ...fields, [k]: e.target.type === 'checkbox' ? (e.target as HTMLInputElement).checked : e.target.value });

  // Once saved, follow the video until transcoding has published it.
  useEffect(() => {
    if (!saved || !status.video) return;
    let stop = false;
    const poll = async () => {
      while (!stop) {
        try {
          const v = await api.video(status.video!.uuid);
          setState(v.state?.label ?? null);
          if (v.state?.id === PUBLISHED) {
            setPublished(v);
            return;
          }
          if (v.state && [4, 7].includes(v.state.id)) {
            setError(`Processing failed: ${v.state.label}`);
            return;
          }
        } catch (err) {
          setState(errorMessage(err));
        }
        await new Promise((r) => setTimeout(r, 1500));
      }
    };
    void poll();
    return () => {
      stop = true;
    };
  }, [saved, status.video]);

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!status.video) return;
    setSaving(true);
    setError(null);
    try {
      const tags = fields.tags
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      await api.updateVideo(status.video.id, {
        name: fields.name,
        channelId: Number(fields.channelId),
        privacy: Number(fields.privacy),
        category: fields.category ? Number(fields.category) : null,
        licence: fields.licence ? Number(fields.licence) : null,
        language: fields.language || null,
        tags,
        description: fields.description,
        nsfw: fields.nsfw,
      });
      setSaved(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  if (published) {
    const path = `/w/${published.shortUUID ?? published.uuid}`;
    return (
      <div className="notice notice--ok" role="status">
        <p>
          <strong>{published.name}</strong> is published.
        </p>
        <Link className="button button--primary" to={path}>
          Watch your video
        </Link>
      </div>
    );
  }
  if (saved) {
    return (
      <p className="status" role="status" data-testid="processing">
        <span className="spinner" aria-hidden="true" /> Your video is being processed{state ? ` (${state})` : ''}. It will be
        published when it is ready; you can leave this page.
      </p>
    );
  }
  return (
    <form className="form form--wide" onSubmit={save} aria-label="Video details">
      <h2 className="section-title">Details</h2>
      {error && (
        <p className="error-box" role="alert">
          {error}
        </p>
      )}
      <label htmlFor="video-name">Title</label>
      <input id="video-name" required minLength={3} maxLength={120} value={fields.name} onChange={set('name')} />
      <div className="form__row">
        <div>
          <label htmlFor="video-channel">Channel</label>
          <select id="video-channel" value={fields.channelId} onChange={set('channelId')}>
            {props.channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.displayName}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="video-privacy">Privacy</label>
          <select id="video-privacy" value={fields.privacy} onChange={set('privacy')}>
            <Options entries={props.privacies} />
          </select>
        </div>
      </div>
      <div className="form__row">
        <div>
          <label htmlFor="video-category">Category</label>
          <select id="video-category" value={fields.category} onChange={set('category')}>
            <option value="">None</option>
            <Options entries={props.categories} />
          </select>
        </div>
        <div>
          <label htmlFor="video-licence">Licence</label>
          <select id="video-licence" value={fields.licence} onChange={set('licence')}>
            <option value="">None</option>
            <Options entries={props.licences} />
          </select>
        </div>
        <div>
          <label htmlFor="video-language">Language</label>
          <select id="video-language" value={fields.language} onChange={set('language')}>
            <option value="">Unknown</option>
            <Options entries={props.languages} />
          </select>
        </div>
      </div>
      <label htmlFor="video-tags">Tags</label>
      <input id="video-tags" value={fields.tags} onChange={set('tags')} aria-describedby="video-tags-hint" />
      <p id="video-tags-hint" className="hint">
        Up to 5 tags, separated by commas.
      </p>
      <label htmlFor="video-description">Description</label>
      <textarea id="video-description" rows={5} value={fields.description} onChange={set('description')} aria-describedby="video-description-hint" />
      <p id="video-description-hint" className="hint">
        Markdown is supported.
      </p>
      <label className="checkbox">
        <input type="checkbox" checked={fields.nsfw} onChange={set('nsfw')} /> This video contains sensitive content
      </label>
      <button type="submit" className="button button--primary" disabled={saving || status.phase !== 'done'}>
        {status.phase === 'done' ? (saving ? 'Saving…' : 'Save and publish') : 'Save and publish (when the upload ends)'}
      </button>
    </form>
  );
}
