import { Link, useSearchParams } from 'react-router';
import { ErrorMessage, Loading } from '../components/Status';
import { PagedVideoGrid } from '../components/VideoGrid';
import { useLoad, useTitle } from '../hooks';
import { runFilter } from '../clientPlugins';
import { api } from '../services';
import { actorHandle } from '../types';

export function Search() {
  const [params] = useSearchParams();
  const search = params.get('search') ?? '';
  useTitle(search ? `Search: ${search}` : 'Search');
  // PeerTube's search hooks: plugins may change what the page shows (clientPlugins.ts).
  const channels = useLoad(
    async (s) =>
      search ? runFilter('filter:api.search.video-channels.list.result', 'search', await api.searchChannels(search, s)) : { total: 0, data: [] },
    [search],
  );
  return (
    <section aria-labelledby="search-title">
      <h1 id="search-title">{search ? <>Results for “{search}”</> : 'Search'}</h1>
      {!search && <p>Type words in the search box above to find videos and channels.</p>}
      {search && (
        <>
          <h2 className="section-title">Channels</h2>
          {channels.loading && <Loading what="Searching channels" />}
          {channels.error && <ErrorMessage error={channels.error} onRetry={channels.reload} />}
          {channels.data && channels.data.data.length === 0 && <p className="muted">No channel matches.</p>}
          {channels.data && channels.data.data.length > 0 && (
            <ul className="channel-list" aria-label="Channels found">
              {channels.data.data.map((c) => (
                <li key={c.id}>
                  <Link to={`/c/${actorHandle(c)}`}>{c.displayName}</Link> <span className="muted">{actorHandle(c)}</span>
                </li>
              ))}
            </ul>
          )}
          <h2 className="section-title">Videos</h2>
          <PagedVideoGrid
            key={search}
            label="Videos found"
            deps={[search]}
            emptyHint="Try other words."
            load={async (start, count, signal) =>
              runFilter('filter:api.search.videos.list.result', 'search', await api.searchVideos(search, start, count, signal))
            }
          />
        </>
      )}
    </section>
  );
}
