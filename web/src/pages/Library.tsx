import { useCallback, useEffect, useState } from 'react';
import { Link, NavLink, Route, Routes, useLocation, useNavigate, useParams } from 'react-router';
import { errorMessage } from '../api';
import { session } from '../auth';
import { Avatar } from '../components/Avatar';
import { ChannelCollaborators } from '../components/ChannelCollaborators';
import { FeedLinks } from '../components/FeedLinks';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { fieldsOf, updateOf, useReference, VideoForm } from '../components/VideoForm';
import { PagedVideoGrid, VideoCard } from '../components/VideoGrid';
import { subscriptionFeeds } from '../feeds';
import { useAction, useApp, useLoad, useTitle } from '../hooks';
import { api } from '../services';
import { actorHandle, type Channel, type ChannelSync, type PlaylistElement, type Video } from '../types';

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
        <NavLink to="/my-library/history/videos">History</NavLink>
        <NavLink to="/my-library/ownership">Ownership changes</NavLink>
      </nav>
      <Routes>
        <Route index element={<MyVideos />} />
        <Route path="videos/:id/edit" element={<EditVideo />} />
        <Route path="channels" element={<MyChannels />} />
        <Route path="subscriptions" element={<Subscriptions />} />
        <Route path="watch-later" element={<WatchLater />} />
        <Route path="history/videos" element={<History />} />
        <Route path="ownership" element={<OwnershipChanges />} />
      </Routes>
    </section>
  );
}

function VideoActions({ video, reload }: { video: Video; reload: () => void }) {
  const { config } = useApp();
  const [confirming, setConfirming] = useState(false);
  const [giving, setGiving] = useState(false);
  const [username, setUsername] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.deleteVideo(video.id);
      reload();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <div className="card-actions">
      <p className="muted">
        {video.privacy.label}
        {video.state && video.state.id !== 1 && <> · {video.state.label}</>}
      </p>
      {confirming ? (
        <div role="group" aria-label={`Delete ${video.name}?`} className="confirm">
          <p>Delete “{video.name}”? This cannot be undone.</p>
          <button type="button" className="button button--danger" disabled={busy} onClick={remove}>
            {busy ? 'Deleting…' : 'Delete for good'}
          </button>{' '}
          <button type="button" className="button" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </div>
      ) : (
        <>
          <Link to={`/my-library/videos/${video.shortUUID ?? video.uuid}/edit`} aria-label={`Edit ${video.name}`}>
            Edit
          </Link>{' '}
          {config?.videoStudio?.enabled && video.isLocal && !video.isLive && (
            <>
              <Link to={`/studio/edit/${video.shortUUID ?? video.uuid}`} aria-label={`Studio ${video.name}`}>
                Studio
              </Link>{' '}
            </>
          )}
          <button type="button" className="link-button" aria-label={`Give ${video.name}`} onClick={() => setGiving(!giving)}>
            Give
          </button>{' '}
          <button type="button" className="link-button danger" aria-label={`Delete ${video.name}`} onClick={() => setConfirming(true)}>
            Delete
          </button>
        </>
      )}
      {giving && (
        <form
          className="inline-form"
          aria-label={`Give ${video.name} to another user`}
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            api
              .giveOwnership(video.id, username.trim())
              .then(() => {
                setNotice(`Offered to ${username.trim()}.`);
                setGiving(false);
              })
              .catch((err: unknown) => setError(errorMessage(err)));
          }}
        >
          <label htmlFor={`give-${video.id}`}>Username</label>{' '}
          <input id={`give-${video.id}`} required value={username} onChange={(e) => setUsername(e.target.value)} />{' '}
          <button type="submit" className="button">
            Offer
          </button>
        </form>
      )}
      {notice && (
        <p className="muted" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function EditVideo() {
  const { id = '' } = useParams();
  const { me } = useApp();
  const navigate = useNavigate();
  const video = useLoad((s) => api.video(id, s), [id]);
  const reference = useReference();
  useTitle(video.data ? `Edit ${video.data.name}` : 'Edit a video');
  if (video.loading || reference.loading || !me) return <Loading />;
  if (video.error || !video.data) return <ErrorMessage error={video.error ?? ''} onRetry={video.reload} />;
  if (reference.error || !reference.data) return <ErrorMessage error={reference.error ?? ''} onRetry={reference.reload} />;
  const current = video.data;
  return (
    <div>
      <h2 className="section-title">Edit “{current.name}”</h2>
      <VideoForm
        id="edit"
        label={`Edit ${current.name}`}
        initial={fieldsOf(current)}
        reference={reference.data}
        channels={me.videoChannels ?? []}
        submitLabel="Save the changes"
        onCancel={() => navigate('/my-library')}
        onSave={async (fields) => {
          await api.updateVideo(current.id, updateOf(fields));
          navigate('/my-library', { state: { notice: `“${fields.name}” is saved.` } });
        }}
      />
    </div>
  );
}

function MyVideos() {
  const notice = (useLocation().state as { notice?: string } | null)?.notice;
  return (
    <>
      {notice && (
        <p className="notice notice--ok" role="status">
          {notice}
        </p>
      )}
      <PagedVideoGrid
      label="My videos"
      emptyHint="Upload a video to see it here."
      load={(start, count, s) => api.myVideos(start, count, s)}
      renderActions={(video, reload) => <VideoActions video={video} reload={reload} />}
      />
    </>
  );
}

function ChannelEditor({ channel, onDone, onCancel }: { channel?: Channel; onDone: (message: string) => void; onCancel: () => void }) {
  const [fields, setFields] = useState({
    name: '',
    displayName: channel?.displayName ?? '',
    description: channel?.description ?? '',
    support: channel?.support ?? '',
  });
  const [avatar, setAvatar] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { name, ...editable } = fields;
      if (channel) await api.updateChannel(actorHandle(channel), editable);
      else await api.createChannel({ name, ...editable });
      if (avatar) await api.channelAvatar(channel ? actorHandle(channel) : fields.name, avatar);
      onDone(channel ? `${fields.displayName} is saved.` : `${fields.displayName} is created.`);
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
      <label htmlFor={`${id}-support`}>Support text</label>
      <textarea
        id={`${id}-support`}
        rows={2}
        aria-describedby={`${id}-support-hint`}
        value={fields.support}
        onChange={(e) => setFields({ ...fields, support: e.target.value })}
      />
      <p id={`${id}-support-hint`} className="hint">
        How viewers can support this channel (shown under its videos).
      </p>
      <label htmlFor={`${id}-avatar`}>Avatar</label>
      <input id={`${id}-avatar`} type="file" accept=".png,.jpg,.jpeg,.webp" onChange={(e) => setAvatar(e.target.files?.[0] ?? null)} />
      {channel && <ChannelSyncSettings channel={channel} />}
      {channel && <ChannelCollaborators channel={channel} />}
      <div className="form__actions">
        <button className="button button--primary" type="submit" disabled={busy}>
          {busy ? 'Saving…' : channel ? 'Save the channel' : 'Create the channel'}
        </button>
        <button className="button" type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The channel's synchronisations with external channels (PeerTube's channel sync): the
 * server imports their new videos every hour. */
function ChannelSyncSettings({ channel }: { channel: Channel }) {
  const { me, config } = useApp();
  const [syncs, setSyncs] = useState<ChannelSync[] | null>(null);
  const [url, setUrl] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const account = me?.account?.name ?? me?.username ?? '';
  const enabled = Boolean(config?.import?.videoChannelSynchronization?.enabled);
  const reload = useCallback(async () => {
    try {
      const all = (await api.channelSyncs(account)).data;
      setSyncs(all.filter((s) => s.channel.id === channel.id));
    } catch (err) {
      setError(errorMessage(err));
    }
  }, [account, channel.id]);
  useEffect(() => {
    if (enabled && account) void reload();
  }, [enabled, account, reload]);
  if (!enabled) return null;
  const act = async (action: () => Promise<unknown>, done: string) => {
    setError(null);
    setNotice(null);
    try {
      await action();
      setNotice(done);
    } catch (err) {
      setError(errorMessage(err));
    }
    await reload();
  };
  return (
    <fieldset className="channel-syncs" aria-label="Synchronisation">
      <legend>Synchronisation with another platform</legend>
      <p className="hint">New videos of the external channel are imported here every hour.</p>
      {syncs?.map((s) => (
        <p key={s.id}>
          {s.externalChannelUrl} · <span role="status">{s.state.label}</span>
          {s.lastSyncAt && <span className="muted"> · last checked {new Date(s.lastSyncAt).toLocaleString()}</span>}{' '}
          <button type="button" className="link-button" onClick={() => void act(() => api.syncChannelNow(s.id), 'A full synchronisation is on its way.')}>
            Import all its videos
          </button>{' '}
          <button type="button" className="link-button" onClick={() => void act(() => api.deleteChannelSync(s.id), 'The synchronisation is removed.')}>
            Remove
          </button>
        </p>
      ))}
      <label htmlFor={`sync-${channel.id}`}>External channel URL</label>
      <input id={`sync-${channel.id}`} type="url" placeholder="https://" value={url} onChange={(e) => setUrl(e.target.value)} />
      <button
        type="button"
        className="button"
        disabled={!url.trim()}
        onClick={() =>
          void act(async () => {
            await api.createChannelSync(url.trim(), channel.id);
            setUrl('');
          }, 'The channel will be synchronised at the next hourly check.')
        }
      >
        Synchronise
      </button>
      {notice && <p role="status">{notice}</p>}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

function MyChannels() {
  const { me, reloadMe } = useApp();
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  if (!me) return <Loading />;
  const done = (message: string) => {
    setEditing(null);
    setNotice(message);
    void reloadMe();
  };
  const edit = (which: number | 'new' | null) => {
    setNotice(null);
    setEditing(which);
  };
  return (
    <div>
      {notice && (
        <p className="notice notice--ok" role="status">
          {notice}
        </p>
      )}
      <ul className="channel-cards">
        {(me.videoChannels ?? []).map((c) => (
          <li key={c.id} className="channel-card">
            <Avatar actor={c} size={56} />
            <div>
              <Link to={`/c/${actorHandle(c)}`}>{c.displayName}</Link>
              <p className="muted">{actorHandle(c)}</p>
              {editing === c.id ? (
                <ChannelEditor channel={c} onDone={done} onCancel={() => edit(null)} />
              ) : (
                <button type="button" className="link-button" aria-label={`Edit ${c.displayName}`} onClick={() => edit(c.id)}>
                  Edit
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      {editing === 'new' ? (
        <ChannelEditor onDone={done} onCancel={() => edit(null)} />
      ) : (
        <button type="button" className="button" onClick={() => edit('new')}>
          New channel
        </button>
      )}
    </div>
  );
}

function WatchLater() {
  const { me } = useApp();
  const [error, setError] = useState<string | null>(null);
  const list = useLoad(
    async (s) => {
      if (!me) return null;
      const playlist = await api.watchLater(actorHandle(me.account), s);
      return playlist ? { playlist, elements: await api.playlistVideos(playlist.id, s) } : null;
    },
    [me],
  );
  if (list.loading) return <Loading />;
  if (list.error) return <ErrorMessage error={list.error} onRetry={list.reload} />;
  const elements = (list.data?.elements.data ?? []).filter((e): e is PlaylistElement & { video: Video } => e.video !== null);
  if (!list.data || elements.length === 0)
    return <Empty title="Nothing to watch later" hint="Use “Watch later” under a video to keep it here." />;
  const playlistId = list.data.playlist.id;
  const remove = async (elementId: number) => {
    setError(null);
    try {
      await api.removeFromPlaylist(playlistId, elementId);
      list.reload();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <>
      {error && <ErrorMessage error={error} />}
      <ul className="video-grid" aria-label="Watch later">
        {elements.map((e) => (
          <VideoCard
            key={e.id}
            video={e.video}
            actions={
              <button type="button" className="link-button" aria-label={`Remove ${e.video.name} from Watch later`} onClick={() => remove(e.id)}>
                Remove
              </button>
            }
          />
        ))}
      </ul>
    </>
  );
}

/** The videos of the user's subscriptions, with the feed of them a reader can follow. */
function Subscriptions() {
  const { me } = useApp();
  const token = useLoad((s) => api.feedToken(s), [me?.id]);
  const accountId = me?.account?.id;
  return (
    <>
      {accountId !== undefined && token.data && (
        <FeedLinks links={subscriptionFeeds(accountId, token.data)} label="Feeds of my subscriptions" />
      )}
      <PagedVideoGrid
        label="Videos from my subscriptions"
        emptyHint="Subscribe to channels to see their new videos here."
        load={(start, count, s) => api.subscriptionVideos(start, count, s)}
      />
    </>
  );
}

/** The watch history (PeerTube's my-library/history/videos): last watched first; remove one,
 * clear it, or stop recording it (what was recorded stays). */
function History() {
  const { me, reloadMe } = useApp();
  const [search, setSearch] = useState('');
  const [typed, setTyped] = useState('');
  const [generation, setGeneration] = useState(0);
  const [confirming, setConfirming] = useState(false);
  const { busy, error, setError, notice, setNotice, run } = useAction();
  useTitle('My history');
  if (!me) return <Loading />;
  const recording = me.videosHistoryEnabled !== false;
  const toggle = () =>
    run(async () => {
      await api.updateMe({ videosHistoryEnabled: !recording });
      await reloadMe();
      setNotice(recording ? 'Your watch history is no longer recorded.' : 'Your watch history is recorded again.');
    });
  const clear = () =>
    run(async () => {
      await api.clearHistory();
      setConfirming(false);
      setGeneration((g) => g + 1);
      setNotice('Your watch history is cleared.');
    });
  const remove = async (video: Video, reload: () => void) => {
    setError(null);
    try {
      await api.removeFromHistory(video.id);
      reload();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <>
      <div className="toolbar">
        <label className="checkbox">
          <input type="checkbox" checked={recording} disabled={busy} onChange={toggle} /> Record my watch history
        </label>
        <form
          role="search"
          aria-label="My history"
          onSubmit={(e) => {
            e.preventDefault();
            setSearch(typed.trim());
          }}
        >
          <label htmlFor="history-search">Search my history</label>{' '}
          <input id="history-search" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </form>
        {confirming ? (
          <div role="group" aria-label="Clear the whole history?" className="confirm">
            <p>Clear your whole watch history?</p>
            <button type="button" className="button button--danger" disabled={busy} onClick={clear}>
              {busy ? 'Clearing…' : 'Clear it'}
            </button>{' '}
            <button type="button" className="button" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </div>
        ) : (
          <button type="button" className="button" onClick={() => setConfirming(true)}>
            Clear history
          </button>
        )}
      </div>
      {notice && (
        <p className="notice notice--ok" role="status">
          {notice}
        </p>
      )}
      {error && <ErrorMessage error={error} />}
      <PagedVideoGrid
        label="My history"
        emptyHint={recording ? 'Videos you watch will be listed here.' : 'Your watch history is not recorded.'}
        load={(start, count, s) => api.history(start, count, search, s)}
        deps={[search, generation]}
        renderActions={(video, reload) => (
          <button type="button" className="link-button" aria-label={`Remove ${video.name} from my history`} onClick={() => void remove(video, reload)}>
            Remove
          </button>
        )}
      />
    </>
  );
}


/** The videos other users offered this one, and those it offered (PeerTube 8.2's
 * my-library/ownership): accept one offered into a channel of theirs, or refuse it. */
function OwnershipChanges() {
  const { me } = useApp();
  const changes = useLoad((s) => api.ownershipChanges(s), []);
  const [channels, setChannels] = useState<Record<number, number>>({});
  const [error, setError] = useState<string | null>(null);
  useTitle('Ownership changes');
  if (changes.loading || !me) return <Loading />;
  if (changes.error || !changes.data) return <ErrorMessage error={changes.error ?? ''} onRetry={changes.reload} />;
  const mine = me.videoChannels ?? [];
  const act = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(errorMessage(err));
    }
    changes.reload();
  };
  if (!changes.data.data.length) return <Empty title="No video was offered to you or by you." />;
  return (
    <div>
      <ul className="ownership" data-testid="ownership-changes">
        {changes.data.data.map((change) => {
          const channelId = channels[change.id] ?? mine[0]?.id;
          const toMe = change.nextOwnerAccount.id === me.account.id;
          return (
            <li key={change.id}>
              <p>
                <strong>{change.video?.name ?? 'A deleted video'}</strong>,{' '}
                {toMe ? `offered by ${change.initiatorAccount.displayName}` : `offered to ${change.nextOwnerAccount.displayName}`} ·{' '}
                <span data-testid="ownership-status">{change.state.label}</span>
              </p>
              {toMe && change.state.id === 1 && (
                <div className="card-actions">
                  <label htmlFor={`ownership-channel-${change.id}`}>Into</label>{' '}
                  <select
                    id={`ownership-channel-${change.id}`}
                    value={channelId ?? ''}
                    onChange={(e) => setChannels({ ...channels, [change.id]: Number(e.target.value) })}
                  >
                    {mine.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.displayName}
                      </option>
                    ))}
                  </select>{' '}
                  <button
                    type="button"
                    className="button button--primary"
                    disabled={channelId === undefined}
                    onClick={() => void act(() => api.acceptOwnership(change.id, Number(channelId)))}
                  >
                    Accept
                  </button>{' '}
                  <button type="button" className="button" onClick={() => void act(() => api.refuseOwnership(change.id))}>
                    Refuse
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
