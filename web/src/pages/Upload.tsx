import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { session } from '../auth';
import { ErrorMessage, Loading } from '../components/Status';
import { Options, updateOf, useReference, VideoForm, withoutPasswordPrivacy, type Reference } from '../components/VideoForm';
import { formatBytes, formatSpeed, formatTimeLeft, SpeedMeter } from '../format';
import { useApp, useTitle } from '../hooks';
import { api } from '../services';
import type { VideoDetails } from '../types';
import { encoding, stillEncodingLabel, useFollowedVideo } from '../encoding';
import { abandon, DirectUpload, savedBytes, savedUploads, xhrPartSender, type SavedUpload, type UploadStatus } from '../upload';
import { usePublishingChannels } from '../collaborators';

export function Upload() {
  useTitle('Upload a video');
  const { me, config } = useApp();
  const channels = usePublishingChannels(me);
  const reference = useReference();
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
    if (channels[0] && channelId === null) setChannelId(channels[0].id);
  }, [channels, channelId]);

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
  if (reference.error || !reference.data) return <ErrorMessage error={reference.error ?? ''} onRetry={reference.reload} />;
  const privacies = reference.data.privacies;

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
      {config?.live?.enabled && (
        <p>
          Or <Link to="/go-live">go live</Link>: stream from OBS or any RTMP encoder.
        </p>
      )}
      {config?.import?.videos?.http?.enabled && (
        <p>
          Or <Link to="/import">import from a URL</Link>: a video page or file elsewhere.
        </p>
      )}
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
              {channels.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.displayName}
                </option>
              ))}
            </select>
            <label htmlFor="upload-privacy">Privacy</label>
            <select id="upload-privacy" value={privacy} onChange={(e) => setPrivacy(Number(e.target.value))}>
              <Options entries={withoutPasswordPrivacy(privacies)} />
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
              reference={reference.data}
              privacy={privacy}
              channels={channels}
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

/** Whether the followed upload has come as far as it will: every rendition in, or failed. */
const settled = (video: VideoDetails) => {
  const progress = encoding(video);
  return progress.done || progress.failed;
};

function Details(props: {
  status: UploadStatus;
  name: string;
  reference: Reference;
  privacy: number;
  channels: { id: number; displayName: string }[];
  channelId: number | null;
}) {
  const { status } = props;
  const [saved, setSaved] = useState(false);
  // Once saved, follow the video until every rendition is in (it is published, and
  // watchable, from its first one on) or its processing failed.
  const followed = useFollowedVideo(saved && status.video ? status.video.uuid : null, settled);
  const video = followed.video;
  const progress = encoding(video);

  if (video && progress.failed) {
    return (
      <p className="error-box" role="alert">
        Processing failed: {video.state?.label}
      </p>
    );
  }
  if (video && progress.published) {
    const path = `/w/${video.shortUUID ?? video.uuid}`;
    return (
      <div className="notice notice--ok" role="status" data-testid="upload-published">
        {progress.done ? (
          <p>
            <strong>{video.name}</strong> is published.
          </p>
        ) : (
          <p>
            <strong>{video.name}</strong>: {stillEncodingLabel(progress)} You can watch it now; the other resolutions
            are added as they are ready.
          </p>
        )}
        <Link className="button button--primary" to={path}>
          Watch your video
        </Link>
      </div>
    );
  }
  if (saved) {
    return (
      <p className="status" role="status" data-testid="processing">
        <span className="spinner" aria-hidden="true" /> Your video is being processed
        {followed.error ? ` (${followed.error})` : video?.state?.label ? ` (${video.state.label})` : ''}. It will be
        published when it is ready; you can leave this page.
      </p>
    );
  }
  return (
    <>
      <h2 className="section-title">Details</h2>
      <VideoForm
        id="video"
        label="Video details"
        initial={{
          name: props.name,
          channelId: String(props.channelId ?? ''),
          privacy: String(props.privacy),
          category: '',
          licence: '',
          language: '',
          tags: '',
          description: '',
          nsfw: false,
          commentsPolicy: '1',
          passwords: '',
        }}
        reference={props.reference}
        channels={props.channels}
        submitLabel="Save and publish"
        waitingFor={status.phase === 'done' && status.video ? undefined : 'Save and publish (when the upload ends)'}
        onSave={async (fields) => {
          await api.updateVideo(status.video!.id, updateOf(fields));
          setSaved(true);
        }}
      />
    </>
  );
}
