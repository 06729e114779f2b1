import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api';
import { compactNumber, formatDuration, formatViews, timeAgo } from '../format';
import type { Page, Video } from '../types';
import { Empty, ErrorMessage, Loading } from './Status';

export const watchPath = (v: Pick<Video, 'uuid' | 'shortUUID'>) => `/w/${v.shortUUID ?? v.uuid}`;

export function VideoCard({ video, actions }: { video: Video; actions?: React.ReactNode }) {
  const channel = video.channel;
  return (
    <li className="video-card">
      <Link to={watchPath(video)} className="video-card__thumb" tabIndex={-1} aria-hidden="true">
        {video.thumbnailPath ? <img src={video.thumbnailPath} alt="" loading="lazy" /> : <span className="video-card__nothumb" />}
        {video.isLive ? (
          <span className="video-card__duration live-badge">LIVE</span>
        ) : (
          <span className="video-card__duration">{formatDuration(video.duration)}</span>
        )}
      </Link>
      <div className="video-card__body">
        <h3 className="video-card__title">
          <Link to={watchPath(video)}>{video.name}</Link>
        </h3>
        <p className="video-card__meta">
          <Link to={`/c/${channel.name}@${channel.host}`}>{channel.displayName}</Link>
        </p>
        <p className="video-card__meta">
          {formatViews(video.views)} · <time dateTime={video.publishedAt}>{timeAgo(video.publishedAt)}</time>
          {video.likes > 0 && <> · {compactNumber(video.likes)} likes</>}
        </p>
        {actions}
      </div>
    </li>
  );
}

const PAGE = 24;

/**
 * A grid of videos that loads more as the end comes into view (and with a button, for
 * keyboards and when observers are unavailable).
 */
export function PagedVideoGrid({
  load,
  label,
  emptyHint,
  limit,
  renderActions,
  deps = [],
}: {
  load: (start: number, count: number, signal: AbortSignal) => Promise<Page<Video>>;
  label: string;
  emptyHint?: string;
  /** Show at most this many, with no "more" (home page sections). */
  limit?: number;
  renderActions?: (video: Video, reload: () => void) => React.ReactNode;
  deps?: unknown[];
}) {
  const [videos, setVideos] = useState<Video[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [generation, setGeneration] = useState(0);
  const sentinel = useRef<HTMLDivElement>(null);
  const controller = useRef<AbortController | null>(null);

  const fetchMore = useCallback(
    (from: number) => {
      controller.current?.abort();
      const c = new AbortController();
      controller.current = c;
      setLoading(true);
      setError(null);
      load(from, limit ?? PAGE, c.signal).then(
        (page) => {
          if (c.signal.aborted) return;
          setVideos((old) => (from === 0 ? page.data : [...old, ...page.data]));
          setTotal(page.total);
          setLoading(false);
        },
        (err: unknown) => {
          if (c.signal.aborted) return;
          setError(errorMessage(err));
          setLoading(false);
        },
      );
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [limit, ...deps],
  );

  useEffect(() => {
    setVideos([]);
    setTotal(null);
    fetchMore(0);
    return () => controller.current?.abort();
  }, [fetchMore, generation]);

  const hasMore = limit === undefined && total !== null && videos.length < total;

  useEffect(() => {
    if (!hasMore || loading || !sentinel.current || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) fetchMore(videos.length);
    });
    observer.observe(sentinel.current);
    return () => observer.disconnect();
  }, [hasMore, loading, videos.length, fetchMore]);

  const reload = () => setGeneration((g) => g + 1);

  return (
    <div aria-busy={loading}>
      {videos.length > 0 && (
        <ul className="video-grid" aria-label={label}>
          {videos.map((v) => (
            <VideoCard key={v.id} video={v} actions={renderActions?.(v, reload)} />
          ))}
        </ul>
      )}
      {total === 0 && !loading && <Empty title="No videos here yet" hint={emptyHint} />}
      {loading && <Loading what="Loading videos" />}
      {error && <ErrorMessage error={error} onRetry={() => fetchMore(videos.length)} />}
      {hasMore && !loading && !error && (
        <div ref={sentinel} className="more">
          <button type="button" className="button" onClick={() => fetchMore(videos.length)}>
            Show more videos
          </button>
        </div>
      )}
    </div>
  );
}
