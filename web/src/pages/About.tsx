import { getAbout, getServerStats } from '../api';
import { ErrorMessage, Loading } from '../components/Status';
import { formatBytes } from '../format';
import { useLoad, useTitle } from '../hooks';
import { renderMarkdown } from '../markdown';

export function About() {
  useTitle('About');
  const about = useLoad((s) => Promise.all([getAbout(s), getServerStats(s)]), []);
  if (about.loading) return <Loading />;
  if (about.error || !about.data) return <ErrorMessage error={about.error ?? ''} onRetry={about.reload} />;
  const [info, stats] = about.data;
  return (
    <section>
      <h1>About {info.instance.name}</h1>
      <p className="lead">{info.instance.shortDescription}</p>
      {info.instance.description && (
        <div className="prose" dangerouslySetInnerHTML={{ __html: renderMarkdown(info.instance.description) }} />
      )}
      <h2 className="section-title">Statistics</h2>
      <dl className="stats">
        <div className="stats__item">
          <dt>Users</dt>
          <dd>{stats.totalUsers}</dd>
        </div>
        <div className="stats__item">
          <dt>Active users (day / week / month)</dt>
          <dd>{`${stats.totalDailyActiveUsers} / ${stats.totalWeeklyActiveUsers} / ${stats.totalMonthlyActiveUsers}`}</dd>
        </div>
        <div className="stats__item">
          <dt>Local videos</dt>
          <dd>{stats.totalLocalVideos}</dd>
        </div>
        <div className="stats__item">
          <dt>Local video views</dt>
          <dd>{stats.totalLocalVideoViews}</dd>
        </div>
        <div className="stats__item">
          <dt>Videos known</dt>
          <dd>{stats.totalVideos}</dd>
        </div>
        <div className="stats__item">
          <dt>Local comments</dt>
          <dd>{stats.totalLocalVideoComments}</dd>
        </div>
        <div className="stats__item">
          <dt>Video storage</dt>
          <dd>{formatBytes(stats.totalLocalVideoFilesSize)}</dd>
        </div>
        <div className="stats__item">
          <dt>Channels (active this month)</dt>
          <dd>{`${stats.totalLocalVideoChannels} (${stats.totalLocalMonthlyActiveVideoChannels})`}</dd>
        </div>
        <div className="stats__item">
          <dt>Playlists</dt>
          <dd>{stats.totalLocalPlaylists}</dd>
        </div>
        <div className="stats__item">
          <dt>Followers / following instances</dt>
          <dd>{`${stats.totalInstanceFollowers} / ${stats.totalInstanceFollowing}`}</dd>
        </div>
        <div className="stats__item">
          <dt>Federation messages processed</dt>
          <dd>{stats.totalActivityPubMessagesProcessed}</dd>
        </div>
      </dl>
    </section>
  );
}
