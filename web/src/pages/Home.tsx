import { Link, useParams } from 'react-router';
import { PagedVideoGrid } from '../components/VideoGrid';
import { useApp, useTitle } from '../hooks';
import { runFilter } from '../clientPlugins';
import { api } from '../services';
import type { Page, Video } from '../types';

const LISTS: Record<string, { title: string; params: Record<string, string | boolean> }> = {
  'recently-added': { title: 'Recently added', params: { sort: '-publishedAt' } },
  trending: { title: 'Trending', params: { sort: '-trending' } },
  local: { title: 'Local videos', params: { sort: '-publishedAt', isLocal: true } },
};

/** A list of videos as PeerTube's browse page fetches it: plugins may change what is asked
 * (`filter:api.browse-videos.videos.list.params`) and what is shown (`….result`). */
async function browse(params: Record<string, string | number | boolean>, signal: AbortSignal): Promise<Page<Video>> {
  const asked = await runFilter('filter:api.browse-videos.videos.list.params', 'common', params);
  return runFilter('filter:api.browse-videos.videos.list.result', 'common', await api.videos(asked, signal));
}

export function Home() {
  const { config } = useApp();
  useTitle('');
  return (
    <section aria-labelledby="home-title">
      <h1 id="home-title">{config?.instance.name ?? 'Cirrus'}</h1>
      {config?.instance.shortDescription && <p className="lead">{config.instance.shortDescription}</p>}
      {Object.entries(LISTS).map(([key, list]) => (
        <section key={key} aria-labelledby={`section-${key}`}>
          <h2 className="section-title" id={`section-${key}`}>
            <Link to={`/videos/${key}`}>{list.title}</Link>
          </h2>
          <PagedVideoGrid
            label={list.title}
            limit={8}
            load={(start, count, signal) => browse({ ...list.params, start, count }, signal)}
          />
        </section>
      ))}
    </section>
  );
}

export function VideoList() {
  const { list = '' } = useParams();
  const chosen = LISTS[list];
  useTitle(chosen?.title ?? 'Videos');
  if (!chosen) return <p>There is no such list of videos.</p>;
  return (
    <section aria-labelledby="list-title">
      <h1 id="list-title">{chosen.title}</h1>
      <PagedVideoGrid
        key={list}
        label={chosen.title}
        deps={[list]}
        load={(start, count, signal) => browse({ ...chosen.params, start, count }, signal)}
      />
    </section>
  );
}
