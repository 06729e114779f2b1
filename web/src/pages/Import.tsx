import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api';
import { session } from '../auth';
import { Loading } from '../components/Status';
import { Options, useReference, withoutPasswordPrivacy } from '../components/VideoForm';
import { useApp, useTitle } from '../hooks';
import { api } from '../services';
import type { VideoImport } from '../types';
import { usePublishingChannels } from '../collaborators';

const PENDING = 1;
const SUCCESS = 2;
const FAILED = 3;
const CANCELLED = 5;
const PROCESSING = 6;

type Source = 'url' | 'magnet' | 'torrent';

/** "Import with URL" or "with torrent", beside Upload: the server fetches the video (PeerTube's imports). */
export function Import() {
  useTitle('Import a video');
  const { me, config } = useApp();
  const channels = usePublishingChannels(me);
  const reference = useReference();
  const [channelId, setChannelId] = useState<number | null>(null);
  const [privacy, setPrivacy] = useState(1);
  const [url, setUrl] = useState('');
  const [source, setSource] = useState<Source | null>(null);
  const [magnet, setMagnet] = useState('');
  const [torrent, setTorrent] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [imports, setImports] = useState<VideoImport[] | null>(null);

  useEffect(() => {
    if (channels[0] && channelId === null) setChannelId(channels[0].id);
  }, [channels, channelId]);

  const reload = useCallback(async () => {
    try {
      setImports((await api.myImports()).data);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  // Follow the imports while one is on its way.
  useEffect(() => {
    if (!session.signedIn) return;
    void reload();
  }, [reload]);
  const running = (imports ?? []).some((i) => i.state.id === PENDING || i.state.id === PROCESSING);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void reload(), 2000);
    return () => clearInterval(timer);
  }, [running, reload]);

  if (!session.signedIn) {
    return (
      <section>
        <h1>Import a video</h1>
        <p>
          <Link to="/login?next=/import">Log in</Link> to import videos.
        </p>
      </section>
    );
  }
  if (!me || reference.loading || !config) return <Loading />;
  const httpEnabled = Boolean(config.import?.videos?.http?.enabled);
  const torrentEnabled = Boolean(config.import?.videos?.torrent?.enabled);
  if (!httpEnabled && !torrentEnabled) {
    return (
      <section>
        <h1>Import a video</h1>
        <p>This instance does not import videos. You can still <Link to="/upload">upload a file</Link>.</p>
      </section>
    );
  }
  const chosen: Source = source ?? (httpEnabled ? 'url' : 'torrent');

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    if (channelId === null) return setError('Create a channel first (My library › Channels).');
    setBusy(true);
    try {
      const fields: Record<string, string> = { channelId: String(channelId), privacy: String(privacy) };
      if (name.trim()) fields.name = name.trim();
      if (chosen === 'torrent') {
        if (!torrent) return setError('Choose a .torrent file.');
        await api.startTorrentImport(fields, torrent);
      } else {
        const target = chosen === 'url' ? { targetUrl: url.trim() } : { magnetUri: magnet.trim() };
        await api.startImport({ ...target, channelId, privacy, ...(fields.name ? { name: fields.name } : {}) });
      }
      setUrl('');
      setMagnet('');
      setTorrent(null);
      setName('');
      await reload();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const act = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(errorMessage(err));
    }
    await reload();
  };

  return (
    <section aria-labelledby="import-title">
      <h1 id="import-title">Import a video</h1>
      <p>
        Give the address of a video page or file, a magnet link or a torrent file: the server fetches it and publishes it
        as an upload. Or{' '}
        <Link to="/upload">upload a file</Link>.
      </p>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <fieldset className="choice">
          <legend>Import from</legend>
          {httpEnabled && (
            <label>
              <input type="radio" name="import-source" checked={chosen === 'url'} onChange={() => setSource('url')} /> a URL
            </label>
          )}
          {torrentEnabled && (
            <>
              <label>
                <input type="radio" name="import-source" checked={chosen === 'torrent'} onChange={() => setSource('torrent')} /> a
                torrent file
              </label>
              <label>
                <input type="radio" name="import-source" checked={chosen === 'magnet'} onChange={() => setSource('magnet')} /> a
                magnet link
              </label>
            </>
          )}
        </fieldset>
        {chosen === 'url' && (
          <>
            <label htmlFor="import-url">Video URL</label>
            <input
              id="import-url"
              type="url"
              required
              placeholder="https://"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
            />
          </>
        )}
        {chosen === 'magnet' && (
          <>
            <label htmlFor="import-magnet">Magnet link</label>
            <input
              id="import-magnet"
              type="text"
              required
              placeholder="magnet:?xt=urn:btih:…"
              value={magnet}
              onChange={(e) => setMagnet(e.target.value)}
            />
          </>
        )}
        {chosen === 'torrent' && (
          <>
            <label htmlFor="import-torrent">Torrent file (one video, 200 KB at most)</label>
            <input
              id="import-torrent"
              type="file"
              required
              accept=".torrent,application/x-bittorrent"
              onChange={(e) => setTorrent(e.target.files?.[0] ?? null)}
            />
          </>
        )}
        <label htmlFor="import-name">Name (optional: the source's title otherwise)</label>
        <input id="import-name" type="text" maxLength={120} value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="import-channel">Channel</label>
        <select id="import-channel" value={channelId ?? ''} onChange={(e) => setChannelId(Number(e.target.value))}>
          {channels.map((c) => (
            <option key={c.id} value={c.id}>
              {c.displayName}
            </option>
          ))}
        </select>
        <label htmlFor="import-privacy">Privacy</label>
        <select id="import-privacy" value={privacy} onChange={(e) => setPrivacy(Number(e.target.value))}>
          <Options entries={withoutPasswordPrivacy(reference.data?.privacies)} />
        </select>
        <button type="submit" className="button button--primary" disabled={busy}>
          Import
        </button>
        {error && (
          <p className="inline-error" role="alert">
            {error}
          </p>
        )}
      </form>
      <h2 className="section-title">My imports</h2>
      {imports === null ? (
        <Loading />
      ) : imports.length === 0 ? (
        <p className="muted">No import yet.</p>
      ) : (
        <ul className="imports" data-testid="imports">
          {imports.map((i) => (
            <li key={i.id}>
              <strong>{i.video?.name ?? i.targetUrl ?? i.torrentName ?? 'Torrent'}</strong> · <span role="status">{i.state.label}</span>
              {i.state.id === SUCCESS && i.video && (
                <>
                  {' '}
                  · <Link to={`/w/${i.video.shortUUID ?? i.video.uuid}`}>{i.video.state?.label ?? 'Open'}</Link>
                </>
              )}
              {i.error && <p className="inline-error">{i.error}</p>}
              <p className="muted">{i.targetUrl ?? i.torrentName ?? i.magnetUri}</p>
              {i.videoChannelSync && <p className="muted">From the synchronisation of {i.videoChannelSync.externalChannelUrl}</p>}
              {i.state.id === PENDING && (
                <button type="button" className="link-button" onClick={() => void act(() => api.cancelImport(i.id))}>
                  Cancel
                </button>
              )}
              {(i.state.id === FAILED || i.state.id === CANCELLED) && (
                <button type="button" className="link-button" onClick={() => void act(() => api.retryImport(i.id))}>
                  Retry
                </button>
              )}{' '}
              {i.state.id !== PENDING && i.state.id !== PROCESSING && (
                <button type="button" className="link-button" onClick={() => void act(() => api.deleteImport(i.id))}>
                  Delete
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
