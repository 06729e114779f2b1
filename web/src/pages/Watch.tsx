import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { errorMessage } from '../api';
import { Avatar } from '../components/Avatar';
import { Comments } from '../components/Comments';
import { Player } from '../components/Player';
import type { PlayerControls } from '../embed/api';
import { runAction, runFilter } from '../clientPlugins';
import { EncodingNotice } from '../components/EncodingNotice';
import { ErrorMessage, Loading } from '../components/Status';
import { SubscribeButton } from '../components/SubscribeButton';
import { compactNumber, formatViews, timeAgo } from '../format';
import { oembedLink } from '../feeds';
import { useApp, useHeadLinks, useLoad, useSignedIn, useTitle } from '../hooks';
import { followLive, liveSocket } from '../live/realtime';
import { renderMarkdown } from '../markdown';
import { api } from '../services';
import { actorHandle, LIVE_ENDED, PUBLISHED, WAITING_FOR_LIVE, type VideoDetails } from '../types';
import { rememberPassword } from '../videoPassword';
import { openVideo } from '../openVideo';
import { PasswordPrompt } from '../components/PasswordPrompt';
import { usePlayerTheme } from '../playerSettings';

type Rating = 'like' | 'dislike' | 'none';

function RateButtons({ video }: { video: VideoDetails }) {
  const signedIn = useSignedIn();
  const mine = useLoad((s) => (signedIn ? api.myRating(video.id, s).then((r) => r.rating) : Promise.resolve<Rating>('none')), [video.id, signedIn]);
  const [counts, setCounts] = useState({ likes: video.likes, dislikes: video.dislikes });
  const [error, setError] = useState<string | null>(null);
  const current = mine.data ?? 'none';
  const rate = async (wanted: Rating) => {
    const next = current === wanted ? 'none' : wanted;
    setError(null);
    try {
      await api.rate(video.id, next);
      const delta = (r: Rating, kind: Rating) => (r === kind ? 1 : 0);
      setCounts((c) => ({
        likes: c.likes - delta(current, 'like') + delta(next, 'like'),
        dislikes: c.dislikes - delta(current, 'dislike') + delta(next, 'dislike'),
      }));
      mine.setData(next);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  return (
    <div className="rate" role="group" aria-label="Rate this video">
      <button type="button" className="button" aria-pressed={current === 'like'} disabled={!signedIn} onClick={() => rate('like')}>
        👍 Like <span className="count">{compactNumber(counts.likes)}</span>
      </button>
      <button type="button" className="button" aria-pressed={current === 'dislike'} disabled={!signedIn} onClick={() => rate('dislike')}>
        👎 Dislike <span className="count">{compactNumber(counts.dislikes)}</span>
      </button>
      {!signedIn && <span className="muted">Log in to rate.</span>}
      {error && (
        <span className="inline-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}

function WatchLaterButton({ video }: { video: VideoDetails }) {
  const { me } = useApp();
  const [state, setState] = useState<'idle' | 'busy' | 'added' | string>('idle');
  if (!me) return null;
  const add = async () => {
    setState('busy');
    try {
      const playlist = await api.watchLater(actorHandle(me.account));
      if (!playlist) throw new Error('Your Watch later playlist was not found.');
      await api.addToPlaylist(playlist.id, video.id);
      setState('added');
    } catch (err) {
      setState(errorMessage(err));
    }
  };
  return (
    <>
      <button type="button" className="button" disabled={state === 'busy' || state === 'added'} onClick={add}>
        {state === 'added' ? 'Added to Watch later' : 'Watch later'}
      </button>
      {!['idle', 'busy', 'added'].includes(state) && (
        <span className="inline-error" role="alert">
          {state}
        </span>
      )}
    </>
  );
}

function Share({ video }: { video: VideoDetails }) {
  const link = `${location.origin}/w/${video.shortUUID ?? video.uuid}`;
  const embed = `<iframe title="${video.name.replace(/"/g, '&quot;')}" width="560" height="315" src="${location.origin}/videos/embed/${video.uuid}" frameborder="0" allowfullscreen sandbox="allow-same-origin allow-scripts allow-popups"></iframe>`;
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async (what: string, text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(what);
    } catch {
      setCopied(null);
    }
  };
  return (
    <details className="share">
      <summary className="button">Share</summary>
      <label htmlFor="share-link">Link</label>
      <div className="copy-row">
        <input id="share-link" readOnly value={link} onFocus={(e) => e.target.select()} />
        <button type="button" className="button" onClick={() => copy('link', link)}>
          Copy
        </button>
      </div>
      <label htmlFor="share-embed">Embed code</label>
      <div className="copy-row">
        <textarea id="share-embed" readOnly rows={3} value={embed} onFocus={(e) => e.target.select()} />
        <button type="button" className="button" onClick={() => copy('embed code', embed)}>
          Copy
        </button>
      </div>
      <p role="status" className="muted">
        {copied ? `The ${copied} is copied.` : ''}
      </p>
    </details>
  );
}

/**
 * A live's state as it changes: the page reloads the video when the state moves (its
 * playlists appear when it goes on air; a replay replaces it when it ends), and counts the
 * viewers meanwhile.
 */
function useLive(video: VideoDetails, reload: () => void): { viewers: number | null; ended: boolean } {
  const [viewers, setViewers] = useState<number | null>(video.viewers ?? null);
  const [ended, setEnded] = useState(false);
  const live = video.isLive === true;
  const state = video.state?.id;
  useEffect(() => {
    if (!live) return undefined;
    let stop: (() => void) | null = null;
    let left = false;
    void liveSocket().then((socket) => {
      if (left) {
        socket.disconnect();
        return;
      }
      stop = followLive(socket, video.id, {
        state: (next) => {
          if (next !== state) reload();
        },
        viewers: setViewers,
        forceEnd: () => setEnded(true),
      });
    });
    return () => {
      left = true;
      stop?.();
    };
  }, [live, video.id, state, reload]);
  return { viewers, ended };
}

function LiveStatus({ video, viewers, ended }: { video: VideoDetails; viewers: number | null; ended: boolean }) {
  const state = video.state?.id;
  if (ended || state === LIVE_ENDED) {
    return (
      <p className="live-status" role="status">
        This live has ended. {video.isLive ? 'Its replay, if it was saved, appears here once it is ready.' : ''}
      </p>
    );
  }
  if (state === WAITING_FOR_LIVE) {
    return (
      <p className="live-status" role="status">
        The live has not started yet. It plays here as soon as it does.
      </p>
    );
  }
  if (state !== PUBLISHED) return null;
  return (
    <p className="live-status" role="status">
      <span className="live-badge">LIVE</span>
      {viewers !== null && <> {compactNumber(viewers)} watching</>}
    </p>
  );
}

// Its owner, moderators and administrators see the video's statistics (PeerTube's rights).
function StatsLink({ video }: { video: VideoDetails }) {
  const { me } = useApp();
  if (!me || (me.account.id !== video.account.id && me.role.id > 1)) return null;
  return (
    <Link className="button" to={`/stats/videos/${video.uuid}`}>
      Statistics
    </Link>
  );
}

function WatchVideo({ video: v, reload }: { video: VideoDetails; reload: () => void }) {
  const { viewers, ended } = useLive(v, reload);
  // The latency mode sets how far behind the live edge the player stays (../live/options.ts).
  const settings = useLoad((s) => (v.isLive ? api.live(v.id, s) : Promise.resolve(null)), [v.id, v.isLive]);
  const channelHandle = actorHandle(v.channel);
  const playerTheme = usePlayerTheme(v.uuid);
  // Until its latency mode is known (or could not be read: then the default), so that the
  // player starts once, with the right distance.
  const waiting = v.isLive === true && (v.state?.id !== PUBLISHED || (settings.loading && !settings.data));
  // PeerTube's client hooks of the watch page (clientPlugins.ts), once per video.
  const told = useRef({ video: '', player: '' });
  useEffect(() => {
    if (told.current.video === v.uuid) return;
    told.current.video = v.uuid;
    void runAction('action:video-watch.video.loaded', 'video-watch', { video: v });
  }, [v]);
  const onControls = useCallback(
    (controls: PlayerControls | null) => {
      if (!controls || told.current.player === v.uuid) return;
      told.current.player = v.uuid;
      void runAction('action:video-watch.player.loaded', 'video-watch', { video: v, player: controls.media });
    },
    [v],
  );
  return (
    <article className="watch" data-player-theme={playerTheme}>
      {waiting ? (
        <div className="player player--empty" />
      ) : (
        <Player key={v.uuid} video={v} autoPlay={v.isLive === true} latencyMode={settings.data?.latencyMode} onControls={onControls} />
      )}
      <div id="plugin-placeholder-player-next" className="plugin-placeholder" />
      {v.isLive && <LiveStatus video={v} viewers={viewers} ended={ended} />}
      <EncodingNotice video={v} onPublished={reload} />
      <h1 className="watch__title">{v.name}</h1>
      <p className="muted">
        {v.isLive ? 'Live' : formatViews(v.views)} · Published <time dateTime={v.publishedAt}>{timeAgo(v.publishedAt)}</time>
        {v.privacy.id !== 1 && <> · {v.privacy.label}</>}
        {v.nsfw && <> · Sensitive content</>}
      </p>
      <div className="watch__actions">
        <RateButtons video={v} />
        <WatchLaterButton video={v} />
        <Share video={v} />
        <StatsLink video={v} />
      </div>
      <div className="watch__channel">
        <Avatar actor={v.channel} size={48} />
        <div>
          <Link to={`/c/${channelHandle}`} className="watch__channel-name">
            {v.channel.displayName}
          </Link>
          <p className="muted">
            by <Link to={`/a/${actorHandle(v.account)}`}>{v.account.displayName}</Link>
          </p>
        </div>
        <SubscribeButton handle={channelHandle} />
      </div>
      {v.description && <div className="prose description" dangerouslySetInnerHTML={{ __html: renderMarkdown(v.description) }} />}
      {v.tags && v.tags.length > 0 && (
        <ul className="tags" aria-label="Tags">
          {v.tags.map((t) => (
            <li key={t}>
              <Link to={`/search?search=${encodeURIComponent(t)}`}>#{t}</Link>
            </li>
          ))}
        </ul>
      )}
      <Comments videoId={v.id} enabled={v.commentsEnabled ?? v.commentsPolicy?.id !== 2} />
    </article>
  );
}

export function Watch() {
  const { id = '' } = useParams();
  // Plugins may change the video the page shows (PeerTube's video-watch get filter).
  const video = useLoad(
    (s) =>
      openVideo(id, s).then(async (opened) =>
        'video' in opened ? { video: await runFilter('filter:api.video-watch.video.get.result', 'video-watch', opened.video, { videoId: id }) } : opened,
      ),
    [id],
  );
  const opened = video.data && 'video' in video.data ? video.data.video : undefined;
  useTitle(opened?.name ?? 'Video');
  // oEmbed answers for this instance's public and unlisted videos, named by their URL (which
  // carries the instance's host, whatever address the page was opened at).
  const watchUrl = opened?.isLocal && [1, 2].includes(opened.privacy?.id ?? 0) ? opened.url : undefined;
  useHeadLinks(opened && watchUrl ? [oembedLink(watchUrl, opened.name)] : []);
  if (video.loading && !video.data) return <Loading what="Loading the video" />;
  if (video.error || !video.data) return <ErrorMessage error={video.error ?? 'Video not found'} onRetry={video.reload} />;
  if ('need' in video.data) {
    return (
      <PasswordPrompt
        wrong={video.data.need === 'wrong'}
        onSubmit={(password) => {
          rememberPassword([id], password);
          video.reload();
        }}
      />
    );
  }
  return <WatchVideo video={video.data.video} reload={video.reload} />;
}
