import { useState } from 'react';
import { Link, NavLink, Route, Routes } from 'react-router';
import { errorMessage } from '../api';
import { session } from '../auth';
import { Avatar } from '../components/Avatar';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { PagedVideoGrid, VideoCard } from '../components/VideoGrid';
import { useApp, useLoad, useTitle } from '../hooks';
import { api } from '../services';
import { actorHandle, type Channel, type Video } from '../types';

export function Library() {
  useTitle('My library');
  if (!session.signedIn) {
    return (
      <p>
        <Link to="/login?next=/my-library">Log in</Link> to see your library.
      </p>
    );
  }
  return (
    <section>
      <h1>My library</h1>
      <nav className="tabs" aria-label="Library">
        <NavLink to="/my-library" end>
          My videos
        </NavLink>
        <NavLink to="/my-library/channels">My channels</NavLink>
        <NavLink to="/my-library/subscriptions">Subscriptions</NavLink>
        <NavLink to="/my-library/watch-later">Watch later</NavLink>
      </nav>
      <Routes>
        <Route index element={<MyVideos />} />
        <Route path="channels" element={<MyChannels />} />
        <Route path="subscriptions" element={<PagedVideoGrid label="Videos from my subscriptions" emptyHint="Subscribe to channels to see their new videos here." load={(start, count, s) => api.subscriptionVideos(start, count, s)} />} />
        <Route path="watch-later" element={<WatchLater />} />
      </Routes>
    </section>
  );
}

function VideoActions({ video, reload }: { video: Video; reload: () => void }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(video.name);
  const [error, setError] = useState<string | null>(null);
  const remove = async () => {
    if (!confirm(`Delete “${video.name}”? This cannot be undone.`)) return;
    try {
      await api.deleteVideo(video.id);
      reload();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    try {
      await api.updateVideo(video.id, { name });
      setEditing(false);
      reload();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <div className="card-actions">
      <p className="muted">
        {video.privacy.label}
        {video.state && video.state.id !== 1 && <> · {video.state.label}</>}
      </p>
      {editing ? (
        <form onSubmit={save} className="inline-form">
          <label htmlFor={`rename-${video.id}`} className="visually-hidden">
            Title
          </label>
          <input id={`rename-${video.id}`} value={name} onChange={(e) => setName(e.target.value)} />
          <button className="button" type="submit">
            Save
          </button>
        </form>
      ) : (
        <button type="button" className="link-button" onClick={() => setEditing(true)}>
          Edit
        </button>
      )}{' '}
      <button type="button" className="link-button danger" onClick={remove}>
        Delete
      </button>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function MyVideos() {
  return (
    <PagedVideoGrid
      label="My videos"
      emptyHint="Upload a video to see it here."
      load={(start, count, s) => api.myVideos(start, count, s)}
      renderActions={(video, reload) => <VideoActions video={video} reload={reload} />}
    />
  );
}

function ChannelEditor({ channel, onDone }: { channel?: Channel; onDone: () => void }) {
  const [fields, setFields] = useState({ name: '', displayName: channel?.displayName ?? '', description: channel?.description ?? '' });
  const [avatar, setAvatar] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (channel) await api.updateChannel(actorHandle(channel), { displayName: fields.displayName, description: fields.description });
      else await api.createChannel(fields);
      if (avatar) await api.channelAvatar(channel ? actorHandle(channel) : fields.name, avatar);
      onDone();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const id = channel ? `ch-${channel.id}` : 'ch-new';
  return (
    <form className="form" onSubmit={save} aria-label={channel ? `Edit ${channel.displayName}` : 'New channel'}>
      {error && (
        <p className="error-box" role="alert">
          {error}
        </p>
      )}
      {!channel && (
        <>
          <label htmlFor={`${id}-name`}>Handle</label>
          <input id={`${id}-name`} required value={fields.name} onChange={(e) => setFields({ ...fields, name: e.target.value })} />
        </>
      )}
      <label htmlFor={`${id}-display`}>Display name</label>
      <input id={`${id}-display`} required value={fields.displayName} onChange={(e) => setFields({ ...fields, displayName: e.target.value })} />
      <label htmlFor={`${id}-description`}>Description</label>
      <textarea id={`${id}-description`} rows={3} value={fields.description} onChange={(e) => setFields({ ...fields, description: e.target.value })} />
      <label htmlFor={`${id}-avatar`}>Avatar</label>
      <input id={`${id}-avatar`} type="file" accept=".png,.jpg,.jpeg,.webp" onChange={(e) => setAvatar(e.target.files?.[0] ?? null)} />
      <button className="button button--primary" type="submit" disabled={busy}>
        {channel ? 'Save' : 'Create the channel'}
      </button>
    </form>
  );
}

function MyChannels() {
  const { me, reloadMe } = useApp();
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  if (!me) return <Loading />;
  const done = () => {
    setEditing(null);
    void reloadMe();
  };
  return (
    <div>
      <ul className="channel-cards">
        {(me.videoChannels ?? []).map((c) => (
          <li key={c.id} className="channel-card">
            <Avatar actor={c} size={56} />
            <div>
              <Link to={`/c/${actorHandle(c)}`}>{c.displayName}</Link>
              <p className="muted">{actorHandle(c)}</p>
              {editing === c.id ? (
                <ChannelEditor channel={c} onDone={done} />
              ) : (
                <button type="button" className="link-button" onClick={() => setEditing(c.id)}>
                  Edit
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      {editing === 'new' ? (
        <ChannelEditor onDone={done} />
      ) : (
        <button type="button" className="button" onClick={() => setEditing('new')}>
          New channel
        </button>
      )}
    </div>
  );
}

function WatchLater() {
  const { me } = useApp();
  const list = useLoad(
    async (s) => {
      if (!me) return null;
      const playlist = await api.watchLater(actorHandle(me.account), s);
      return playlist ? api.playlistVideos(playlist.id, s) : null;
    },
    [me],
  );
  if (list.loading) return <Loading />;
  if (list.error) return <ErrorMessage error={list.error} onRetry={list.reload} />;
  const videos = (list.data?.data ?? []).map((e) => e.video).filter((v): v is Video => v !== null);
  if (videos.length === 0) return <Empty title="Nothing to watch later" hint="Use “Watch later” under a video to keep it here." />;
  return (
    <ul className="video-grid" aria-label="Watch later">
      {videos.map((v) => (
        <VideoCard key={v.id} video={v} />
      ))}
    </ul>
  );
}
