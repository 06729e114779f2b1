// Users (PeerTube's admin users list): search, create, block with a reason, unblock, delete;
// a row's role and quotas are edited on its own page (UserEdit).
import { useState } from 'react';
import { Link } from 'react-router';
import { adminApi, type AdminUser } from '../../admin/adminApi';
import { canManage } from '../../admin/rights';
import { quotaLabel } from '../../admin/userForm';
import { OutcomeLine, PagedTable, useOutcome, usePaged } from '../../components/PagedTable';
import { formatBytes } from '../../format';
import { useApp, useTitle } from '../../hooks';

export function Users() {
  useTitle('Users');
  const { me } = useApp();
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const users = usePaged((paging, signal) => adminApi.users({ ...paging, search }, signal), [search]);
  const [blocking, setBlocking] = useState<AdminUser | null>(null);
  const [deleting, setDeleting] = useState<AdminUser | null>(null);
  const { outcome, busy, run } = useOutcome();
  const manageable = (u: AdminUser) => u.id !== me?.id && canManage(me?.role.id, u.role.id);

  return (
    <section>
      <h1>Users</h1>
      <p>
        <Link className="button" to="/admin/users/new">
          Create a user
        </Link>
      </p>
      <form
        className="inline-form"
        role="search"
        aria-label="User search"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(typed.trim());
        }}
      >
        <label htmlFor="users-search">Search users</label>
        <input id="users-search" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="Username or email" />
        <button type="submit" className="button">
          Search
        </button>
      </form>
      <OutcomeLine outcome={outcome} />
      {blocking && (
        <BlockForm
          user={blocking}
          busy={busy}
          onCancel={() => setBlocking(null)}
          onBlock={(reason) =>
            run(() => adminApi.blockUser(blocking.id, reason), `${blocking.username} is blocked.`, () => {
              setBlocking(null);
              users.reload();
            })
          }
        />
      )}
      {deleting && (
        <div className="notice" role="group" aria-label={`Delete ${deleting.username}`}>
          <p>Delete {deleting.username}? Their account, channels and videos go too. This cannot be undone.</p>
          <div className="form__actions">
            <button
              type="button"
              className="button button--danger"
              disabled={busy}
              onClick={() =>
                void run(() => adminApi.deleteUser(deleting.id), `${deleting.username} is deleted.`, () => {
                  setDeleting(null);
                  users.reload();
                })
              }
            >
              Delete for good
            </button>
            <button type="button" className="button" onClick={() => setDeleting(null)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      <PagedTable
        paged={users}
        caption="Users of this instance"
        empty={search ? 'No user matches this search.' : 'No user yet.'}
        rowKey={(u) => u.id}
        columns={[
          { header: 'Username', cell: (u) => <Link to={`/a/${u.username}`}>{u.username}</Link> },
          { header: 'Email', cell: (u) => u.email },
          { header: 'Role', cell: (u) => u.role.label },
          {
            header: 'Video quota',
            cell: (u) => `${formatBytes(u.videoQuotaUsed ?? 0)} used of ${quotaLabel(u.videoQuota)}, daily ${quotaLabel(u.videoQuotaDaily)}`,
          },
          { header: 'State', cell: (u) => (u.blocked ? `Blocked${u.blockedReason ? `: ${u.blockedReason}` : ''}` : 'Active') },
          {
            header: 'Actions',
            cell: (u) =>
              manageable(u) ? (
                <div className="row-actions">
                  <Link className="button" to={`/admin/users/${u.id}`} aria-label={`Edit ${u.username}`}>
                    Edit
                  </Link>
                  {u.blocked ? (
                    <button
                      type="button"
                      className="button"
                      disabled={busy}
                      aria-label={`Unblock ${u.username}`}
                      onClick={() => void run(() => adminApi.unblockUser(u.id), `${u.username} is unblocked.`, users.reload)}
                    >
                      Unblock
                    </button>
                  ) : (
                    <button type="button" className="button" aria-label={`Block ${u.username}`} onClick={() => setBlocking(u)}>
                      Block
                    </button>
                  )}
                  <button type="button" className="button button--danger" aria-label={`Delete ${u.username}`} onClick={() => setDeleting(u)}>
                    Delete
                  </button>
                </div>
              ) : (
                <span className="hint">{u.id === me?.id ? 'You' : 'Administrators manage this user'}</span>
              ),
          },
        ]}
      />
    </section>
  );
}

function BlockForm(props: { user: AdminUser; busy: boolean; onBlock: (reason: string) => Promise<void>; onCancel: () => void }) {
  const { user, busy, onBlock, onCancel } = props;
  const [reason, setReason] = useState('');
  return (
    <form
      className="form notice"
      aria-label={`Block ${user.username}`}
      onSubmit={(e) => {
        e.preventDefault();
        void onBlock(reason.trim());
      }}
    >
      <p>A blocked user can no longer log in. Their videos stay.</p>
      <label htmlFor="block-reason">Reason (the user is told)</label>
      <textarea id="block-reason" rows={3} minLength={3} maxLength={250} value={reason} onChange={(e) => setReason(e.target.value)} />
      <div className="form__actions">
        <button type="submit" className="button button--danger" disabled={busy}>
          Block {user.username}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
