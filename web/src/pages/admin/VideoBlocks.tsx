// Video blocks (PeerTube's video blacklist): block a video by its address, and the blocked
// videos, with their reason, to unblock.
import { useState } from 'react';
import { Link } from 'react-router';
import { adminApi } from '../../admin/adminApi';
import { videoIdFrom } from '../../admin/targets';
import { FieldError } from '../../components/FieldError';
import { OutcomeLine, PagedTable, useOutcome, usePaged } from '../../components/PagedTable';
import { timeAgo } from '../../format';
import { useTitle } from '../../hooks';

export function VideoBlocks() {
  useTitle('Video blocks');
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const blocks = usePaged((paging, signal) => adminApi.videoBlocks({ ...paging, search }, signal), [search]);
  const [video, setVideo] = useState('');
  const [reason, setReason] = useState('');
  const [unfederate, setUnfederate] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const { outcome, busy, run } = useOutcome();
  const block = (e: React.FormEvent) => {
    e.preventDefault();
    const id = videoIdFrom(video);
    setProblem(id ? undefined : 'Give the video’s address or UUID.');
    if (!id) return;
    void run(() => adminApi.blockVideo(id, reason.trim(), unfederate), 'The video is blocked.', () => {
      setVideo('');
      setReason('');
      blocks.reload();
    });
  };
  return (
    <section>
      <h1>Video blocks</h1>
      <p className="hint">A blocked video leaves every list, the search and the feeds; only its owner and moderators can open it.</p>
      <h2 className="section-title" id="block-title">
        Block a video
      </h2>
      <form className="form" onSubmit={block} aria-labelledby="block-title" noValidate>
        <label htmlFor="block-video">Video address or UUID</label>
        <input
          id="block-video"
          value={video}
          required
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'block-video-error' : undefined}
          onChange={(e) => setVideo(e.target.value)}
        />
        <FieldError id="block-video-error" error={problem} />
        <label htmlFor="block-reason">Reason</label>
        <textarea id="block-reason" rows={2} maxLength={300} value={reason} onChange={(e) => setReason(e.target.value)} />
        <label className="checkbox">
          <input type="checkbox" checked={unfederate} onChange={(e) => setUnfederate(e.target.checked)} /> Also withdraw it from other
          instances (local videos)
        </label>
        <button type="submit" className="button button--danger" disabled={busy}>
          Block the video
        </button>
      </form>
      <OutcomeLine outcome={outcome} />
      <h2 className="section-title">Blocked videos</h2>
      <form
        className="inline-form"
        role="search"
        aria-label="Blocked video search"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(typed.trim());
        }}
      >
        <label htmlFor="blocks-search">Search blocked videos</label>
        <input id="blocks-search" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} />
        <button type="submit" className="button">
          Search
        </button>
      </form>
      <PagedTable
        paged={blocks}
        caption="Blocked videos"
        empty="No video is blocked."
        rowKey={(b) => b.id}
        columns={[
          { header: 'Video', cell: (b) => (b.video ? <Link to={`/w/${b.video.uuid}`}>{b.video.name}</Link> : `Video ${b.videoId}`) },
          { header: 'Reason', cell: (b) => b.reason ?? '' },
          { header: 'Kind', cell: (b) => `${b.type === 2 ? 'Automatic' : 'Manual'}${b.unfederated ? ', withdrawn' : ''}` },
          { header: 'Blocked', cell: (b) => timeAgo(b.createdAt) },
          {
            header: 'Actions',
            cell: (b) => (
              <button
                type="button"
                className="button"
                disabled={busy}
                aria-label={`Unblock ${b.video?.name ?? `video ${b.videoId}`}`}
                onClick={() => void run(() => adminApi.unblockVideo(b.videoId), 'The video is unblocked.', blocks.reload)}
              >
                Unblock
              </button>
            ),
          },
        ]}
      />
    </section>
  );
}
