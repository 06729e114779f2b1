// Follows (PeerTube's admin "Federation"): the instances and channels this instance follows,
// with a form to follow more, and the instances that follow it (accept, reject, remove).
import { useState } from 'react';
import { adminApi, type Follow } from '../../admin/adminApi';
import { followHandle, followTargets } from '../../admin/targets';
import { OutcomeLine, PagedTable, useOutcome, usePaged } from '../../components/PagedTable';
import { timeAgo } from '../../format';
import { useTitle } from '../../hooks';

const STATES: Record<Follow['state'], string> = { pending: 'Pending', accepted: 'Accepted', rejected: 'Rejected' };

export function Follows() {
  useTitle('Follows');
  const following = usePaged((paging, signal) => adminApi.following(paging, signal), []);
  const followers = usePaged((paging, signal) => adminApi.followers(paging, signal), []);
  const [targets, setTargets] = useState('');
  const { outcome, busy, run } = useOutcome();
  const follow = (e: React.FormEvent) => {
    e.preventDefault();
    const wanted = followTargets(targets);
    if (wanted.hosts.length + wanted.handles.length === 0) return;
    void run(() => adminApi.follow(wanted), 'Follow requests sent.', () => {
      setTargets('');
      following.reload();
    });
  };
  return (
    <section>
      <h1>Follows</h1>
      <OutcomeLine outcome={outcome} />
      <h2 className="section-title" id="following-title">
        Following
      </h2>
      <form className="form" onSubmit={follow} aria-labelledby="following-title">
        <label htmlFor="follow-targets">Instances (host) or channels (name@host) to follow, one a line</label>
        <textarea id="follow-targets" rows={3} value={targets} onChange={(e) => setTargets(e.target.value)} required />
        <button type="submit" className="button button--primary" disabled={busy}>
          Follow
        </button>
      </form>
      <PagedTable
        paged={following}
        caption="Instances and channels this instance follows"
        empty="This instance follows nobody."
        rowKey={(f) => f.id}
        columns={[
          { header: 'Followed', cell: (f) => followHandle(f.following) },
          { header: 'State', cell: (f) => STATES[f.state] },
          { header: 'Since', cell: (f) => timeAgo(f.createdAt) },
          {
            header: 'Actions',
            cell: (f) => (
              <button
                type="button"
                className="button"
                disabled={busy}
                aria-label={`Unfollow ${followHandle(f.following)}`}
                onClick={() => void run(() => adminApi.unfollow(followHandle(f.following)), `${followHandle(f.following)} is unfollowed.`, following.reload)}
              >
                Unfollow
              </button>
            ),
          },
        ]}
      />
      <h2 className="section-title">Followers</h2>
      <PagedTable
        paged={followers}
        caption="Instances that follow this one"
        empty="No instance follows this one."
        rowKey={(f) => f.id}
        columns={[
          { header: 'Follower', cell: (f) => `${f.follower.name}@${f.follower.host}` },
          { header: 'State', cell: (f) => STATES[f.state] },
          { header: 'Since', cell: (f) => timeAgo(f.createdAt) },
          {
            header: 'Actions',
            cell: (f) => {
              const handle = `${f.follower.name}@${f.follower.host}`;
              return (
                <div className="row-actions">
                  {f.state === 'pending' && (
                    <>
                      <button
                        type="button"
                        className="button"
                        disabled={busy}
                        aria-label={`Accept ${handle}`}
                        onClick={() => void run(() => adminApi.acceptFollower(handle), `${handle} now follows this instance.`, followers.reload)}
                      >
                        Accept
                      </button>
                      <button
                        type="button"
                        className="button"
                        disabled={busy}
                        aria-label={`Reject ${handle}`}
                        onClick={() => void run(() => adminApi.rejectFollower(handle), `${handle} is refused.`, followers.reload)}
                      >
                        Reject
                      </button>
                    </>
                  )}
                  <button
                    type="button"
                    className="button button--danger"
                    disabled={busy}
                    aria-label={`Remove ${handle}`}
                    onClick={() => void run(() => adminApi.removeFollower(handle), `${handle} no longer follows this instance.`, followers.reload)}
                  >
                    Remove
                  </button>
                </div>
              );
            },
          },
        ]}
      />
    </section>
  );
}
