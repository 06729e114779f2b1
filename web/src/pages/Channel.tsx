import { Link, useParams } from 'react-router';
import { Avatar } from '../components/Avatar';
import { FeedLinks } from '../components/FeedLinks';
import { ErrorMessage, Loading } from '../components/Status';
import { SubscribeButton } from '../components/SubscribeButton';
import { PagedVideoGrid } from '../components/VideoGrid';
import { videoFeeds } from '../feeds';
import { useHeadLinks, useLoad, useTitle } from '../hooks';
import { renderMarkdown } from '../markdown';
import { api } from '../services';
import { actorHandle } from '../types';

export function ChannelPage() {
  const { handle = '' } = useParams();
  const channel = useLoad((s) => api.channel(handle, s), [handle]);
  useTitle(channel.data?.displayName ?? 'Channel');
  const feeds = channel.data ? videoFeeds({ videoChannelId: channel.data.id }) : [];
  useHeadLinks(feeds);
  if (channel.loading) return <Loading what="Loading the channel" />;
  if (channel.error || !channel.data) return <ErrorMessage error={channel.error ?? ''} onRetry={channel.reload} />;
  const c = channel.data;
  return (
    <section>
      <header className="actor-header">
        <Avatar actor={c} size={80} />
        <div>
          <h1>{c.displayName}</h1>
          <p className="muted">
            {actorHandle(c)} · {c.followersCount ?? 0} subscribers
            {c.ownerAccount && (
              <>
                {' '}
                · by <Link to={`/a/${actorHandle(c.ownerAccount)}`}>{c.ownerAccount.displayName}</Link>
              </>
            )}
          </p>
          <SubscribeButton handle={actorHandle(c)} />
          <FeedLinks links={feeds} label={`Feeds of ${c.displayName}`} />
        </div>
      </header>
      {c.description && <div className="prose" dangerouslySetInnerHTML={{ __html: renderMarkdown(c.description) }} />}
      <h2 className="section-title">Videos</h2>
      <PagedVideoGrid
        label={`Videos of ${c.displayName}`}
        deps={[handle]}
        load={(start, count, signal) => api.channelVideos(handle, start, count, signal)}
      />
    </section>
  );
}

export function AccountPage() {
  const { name = '' } = useParams();
  const account = useLoad((s) => Promise.all([api.account(name, s), api.accountChannels(name, s)]), [name]);
  useTitle(account.data?.[0].displayName ?? 'Account');
  const feeds = account.data ? videoFeeds({ accountId: account.data[0].id }) : [];
  useHeadLinks(feeds);
  if (account.loading) return <Loading what="Loading the account" />;
  if (account.error || !account.data) return <ErrorMessage error={account.error ?? ''} onRetry={account.reload} />;
  const [a, channels] = account.data;
  return (
    <section>
      <header className="actor-header">
        <Avatar actor={a} size={80} />
        <div>
          <h1>{a.displayName}</h1>
          <p className="muted">{actorHandle(a)}</p>
          <FeedLinks links={feeds} label={`Feeds of ${a.displayName}`} />
        </div>
      </header>
      {a.movedTo && /^https?:\/\//.test(a.movedTo) && (
        <p className="notice" role="status">
          This account has moved to{' '}
          <a href={a.movedTo} rel="noopener noreferrer nofollow">
            {a.movedTo}
          </a>
          .
        </p>
      )}
      <h2 className="section-title">Channels</h2>
      <ul className="channel-list">
        {channels.data.map((c) => (
          <li key={c.id}>
            <Link to={`/c/${actorHandle(c)}`}>{c.displayName}</Link>
          </li>
        ))}
      </ul>
      <h2 className="section-title">Videos</h2>
      <PagedVideoGrid label={`Videos of ${a.displayName}`} deps={[name]} load={(start, count, signal) => api.accountVideos(name, start, count, signal)} />
    </section>
  );
}
