// The administrator's redundancy page (PeerTube's): which followed instances may be mirrored
// here, this instance's mirrors of their videos, and the other instances' mirrors of ours.
import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api';
import { ErrorMessage, Loading } from '../components/Status';
import { formatBytes } from '../format';
import { useLoad, type Loaded } from '../hooks';
import { api } from '../services';
import type { MirroredVideo, Page } from '../types';

export function AdminRedundancy() {
  const following = useLoad((s) => api.following(s), []);
  const ours = useLoad((s) => api.mirrors('remote-videos', s), []);
  const theirs = useLoad((s) => api.mirrors('my-videos', s), []);
  const [problem, setProblem] = useState<string | null>(null);

  const allow = async (host: string, allowed: boolean) => {
    setProblem(null);
    try {
      await api.allowRedundancy(host, allowed);
      following.reload();
    } catch (err) {
      setProblem(`Not changed: ${errorMessage(err)}`);
    }
  };
  const remove = async (id: number) => {
    setProblem(null);
    try {
      await api.removeMirror(id);
      ours.reload();
    } catch (err) {
      setProblem(`Not removed: ${errorMessage(err)}`);
    }
  };

  const instances = (following.data?.data ?? []).filter((f) => f.following.name === 'peertube');
  return (
    <>
      <h2 className="section-title" id="redundancy-title">
        Redundancy
      </h2>
      {problem && (
        <p className="error-box" role="alert">
          {problem}
        </p>
      )}
      <h3>Followed instances</h3>
      {following.loading && <Loading what="Loading the followed instances" />}
      {following.error && <ErrorMessage error={following.error} onRetry={following.reload} />}
      {following.data && instances.length === 0 && <p>This instance follows no other instance.</p>}
      {instances.length > 0 && (
        <div className="table-scroll">
          <table className="table">
            <caption className="visually-hidden">Followed instances, and whether their videos may be mirrored here</caption>
            <thead>
              <tr>
                <th scope="col">Instance</th>
                <th scope="col">State</th>
                <th scope="col">Mirror its videos</th>
              </tr>
            </thead>
            <tbody>
              {instances.map((f) => (
                <tr key={f.id}>
                  <td>{f.following.host}</td>
                  <td>{f.state}</td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Mirror the videos of ${f.following.host}`}
                      checked={Boolean(f.following.hostRedundancyAllowed)}
                      onChange={(e) => void allow(f.following.host, e.target.checked)}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Our mirrors of their videos</h3>
      <Mirrors loaded={ours} empty="No video is mirrored here." label="Videos mirrored here" onRemove={remove} />
      <h3>Their mirrors of our videos</h3>
      <Mirrors loaded={theirs} empty="No other instance mirrors our videos." label="Our videos mirrored elsewhere" />
    </>
  );
}

function Mirrors({
  loaded,
  empty,
  label,
  onRemove,
}: {
  loaded: Loaded<Page<MirroredVideo>>;
  empty: string;
  label: string;
  onRemove?: (id: number) => void;
}) {
  if (loaded.loading) return <Loading what="Loading the mirrors" />;
  if (loaded.error) return <ErrorMessage error={loaded.error} onRetry={loaded.reload} />;
  const rows = (loaded.data?.data ?? []).flatMap((video) =>
    video.redundancies.streamingPlaylists.map((mirror) => ({ video, mirror })),
  );
  if (rows.length === 0) return <p>{empty}</p>;
  return (
    <div className="table-scroll">
      <table className="table">
        <caption className="visually-hidden">{label}</caption>
        <thead>
          <tr>
            <th scope="col">Video</th>
            <th scope="col">Mirror</th>
            <th scope="col">Strategy</th>
            <th scope="col">Size</th>
            <th scope="col">Expires</th>
            {onRemove && <th scope="col">Remove</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ video, mirror }) => (
            <tr key={mirror.id}>
              <td>
                <Link to={`/w/${video.uuid}`}>{video.name}</Link>
              </td>
              <td>{new URL(mirror.fileUrl).host}</td>
              <td>{mirror.strategy ?? '—'}</td>
              <td>{mirror.size ? formatBytes(mirror.size) : '—'}</td>
              <td>{mirror.expiresOn ? new Date(mirror.expiresOn).toLocaleString() : 'Never'}</td>
              {onRemove && (
                <td>
                  <button type="button" className="button" onClick={() => onRemove(mirror.id)}>
                    Remove the mirror of {video.name}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
