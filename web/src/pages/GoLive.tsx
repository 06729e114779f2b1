import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api';
import { session } from '../auth';
import { ErrorMessage, Loading } from '../components/Status';
import { Options, useReference, withoutPasswordPrivacy } from '../components/VideoForm';
import { useApp, useTitle } from '../hooks';
import { api } from '../services';
import type { LiveVideo } from '../types';
import { usePublishingChannels } from '../collaborators';

// PeerTube's latency modes (LiveVideoLatencyMode).
const LATENCY_MODES: Record<string, string> = { '1': 'Default', '3': 'Small latency (no P2P)', '2': 'High latency (more P2P)' };

/** One URL per line; blank lines left out. */
export function simulcastLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/**
 * Going live, as PeerTube's "Go live" tab: the live is created waiting for its encoder, and
 * its owner is given the RTMP URL and stream key to paste into OBS. Beyond PeerTube, the
 * stream can be pushed on to other platforms (simulcast).
 */
export function GoLive() {
  useTitle('Go live');
  const { me, config } = useApp();
  const channels = usePublishingChannels(me);
  const reference = useReference();
  const [channelId, setChannelId] = useState<number | null>(null);
  const [name, setName] = useState('');
  const [privacy, setPrivacy] = useState(1);
  const [permanentLive, setPermanentLive] = useState(false);
  const [saveReplay, setSaveReplay] = useState(false);
  const [latencyMode, setLatencyMode] = useState(1);
  const [simulcast, setSimulcast] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ uuid: string; live: LiveVideo } | null>(null);

  useEffect(() => {
    if (channels[0] && channelId === null) setChannelId(channels[0].id);
  }, [channels, channelId]);

  if (!session.signedIn) {
    return (
      <section>
        <h1>Go live</h1>
        <p>
          <Link to="/login?next=/go-live">Log in</Link> to stream live.
        </p>
      </section>
    );
  }
  if (!me || reference.loading) return <Loading />;
  if (reference.error || !reference.data) return <ErrorMessage error={reference.error ?? ''} onRetry={reference.reload} />;
  if (config?.live && !config.live.enabled) {
    return (
      <section>
        <h1>Go live</h1>
        <p>Live streaming is not enabled on this instance.</p>
      </section>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const fields: Record<string, unknown> = { channelId, name, privacy, permanentLive, saveReplay };
      if (config?.live?.latencySetting?.enabled) fields.latencyMode = latencyMode;
      const targets = simulcastLines(simulcast);
      if (targets.length > 0) fields.simulcastTargets = targets;
      const { video } = await api.createLive(fields);
      setCreated({ uuid: video.uuid, live: await api.live(video.id) });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    const { live, uuid } = created;
    return (
      <section aria-labelledby="golive-title">
        <h1 id="golive-title">Your live is ready</h1>
        <p>Paste these into your encoder (in OBS: Settings › Stream › Service: Custom), then start streaming.</p>
        <dl className="stream-settings">
          <dt>RTMP URL</dt>
          <dd>
            <code data-testid="rtmp-url">{live.rtmpUrl}</code>
          </dd>
          {live.rtmpsUrl && (
            <>
              <dt>RTMPS URL</dt>
              <dd>
                <code>{live.rtmpsUrl}</code>
              </dd>
            </>
          )}
          <dt>Stream key</dt>
          <dd>
            <code data-testid="stream-key">{live.streamKey}</code>
          </dd>
          {(live.simulcastTargets ?? []).length > 0 && (
            <>
              <dt>Also pushed to</dt>
              <dd>{live.simulcastTargets?.length} other platform(s)</dd>
            </>
          )}
        </dl>
        <p>
          <Link to={`/w/${uuid}`}>Open the live's page</Link>: it plays as soon as your stream arrives.
        </p>
      </section>
    );
  }

  return (
    <section aria-labelledby="golive-title">
      <h1 id="golive-title">Go live</h1>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <label htmlFor="golive-channel">Channel</label>
        <select id="golive-channel" value={channelId ?? ''} onChange={(e) => setChannelId(Number(e.target.value))}>
          {channels.map((c) => (
            <option key={c.id} value={c.id}>
              {c.displayName}
            </option>
          ))}
        </select>
        <label htmlFor="golive-name">Title</label>
        <input id="golive-name" required minLength={3} maxLength={110} value={name} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="golive-privacy">Privacy</label>
        <select id="golive-privacy" value={privacy} onChange={(e) => setPrivacy(Number(e.target.value))}>
          <Options entries={withoutPasswordPrivacy(reference.data.privacies)} />
        </select>
        <label>
          <input type="checkbox" checked={permanentLive} onChange={(e) => setPermanentLive(e.target.checked)} /> Permanent
          live (the same key and page for every stream)
        </label>
        {config?.live?.allowReplay !== false && (
          <label>
            <input type="checkbox" checked={saveReplay} onChange={(e) => setSaveReplay(e.target.checked)} /> Save a
            replay when the live ends
          </label>
        )}
        {config?.live?.latencySetting?.enabled && (
          <>
            <label htmlFor="golive-latency">Latency</label>
            <select id="golive-latency" value={latencyMode} onChange={(e) => setLatencyMode(Number(e.target.value))}>
              <Options entries={LATENCY_MODES} />
            </select>
          </>
        )}
        <label htmlFor="golive-simulcast">Also stream to (optional: one rtmp:// or rtmps:// URL per line, with its key)</label>
        <textarea
          id="golive-simulcast"
          rows={3}
          placeholder="rtmp://a.rtmp.youtube.com/live2/your-key"
          value={simulcast}
          onChange={(e) => setSimulcast(e.target.value)}
        />
        {error && (
          <p className="inline-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || channelId === null}>
          {busy ? 'Creating…' : 'Create the live'}
        </button>
      </form>
    </section>
  );
}
