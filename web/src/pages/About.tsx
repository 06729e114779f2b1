import { getAbout, getServerStats } from '../api';
import { ErrorMessage, Loading } from '../components/Status';
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
          <dt>Local videos</dt>
          <dd>{stats.totalLocalVideos}</dd>
        </div>
        <div className="stats__item">
          <dt>Local video views</dt>
          <dd>{stats.totalLocalVideoViews}</dd>
        </div>
      </dl>
    </section>
  );
}
