// The instance's blocklists (PeerTube's "Muted accounts" and "Muted servers" of the
// instance): what they mute is hidden from everyone here, and their activities are refused.
import { useState } from 'react';
import { adminApi } from '../../admin/adminApi';
import { OutcomeLine, PagedTable, useOutcome, usePaged } from '../../components/PagedTable';
import { timeAgo } from '../../format';
import { useTitle } from '../../hooks';

export function Blocklist() {
  useTitle('Muted accounts and servers');
  const accounts = usePaged((paging, signal) => adminApi.blockedAccounts(paging, signal), []);
  const servers = usePaged((paging, signal) => adminApi.blockedServers(paging, signal), []);
  const [account, setAccount] = useState('');
  const [host, setHost] = useState('');
  const { outcome, busy, run } = useOutcome();
  return (
    <section>
      <h1>Muted accounts and servers</h1>
      <p className="hint">What the instance mutes is hidden from everyone on it, and its comments and follows are refused.</p>
      <OutcomeLine outcome={outcome} />
      <h2 className="section-title" id="muted-accounts">
        Muted accounts
      </h2>
      <form
        className="inline-form"
        aria-labelledby="muted-accounts"
        onSubmit={(e) => {
          e.preventDefault();
          const name = account.trim().replace(/^@/, '');
          if (name) void run(() => adminApi.blockAccount(name), `${name} is muted.`, () => (setAccount(''), accounts.reload()));
        }}
      >
        <label htmlFor="mute-account">Account (name or name@host)</label>
        <input id="mute-account" value={account} required onChange={(e) => setAccount(e.target.value)} />
        <button type="submit" className="button" disabled={busy}>
          Mute the account
        </button>
      </form>
      <PagedTable
        paged={accounts}
        caption="Accounts muted by the instance"
        empty="No account is muted."
        rowKey={(b) => `${b.blockedAccount.name}@${b.blockedAccount.host}`}
        columns={[
          { header: 'Account', cell: (b) => `${b.blockedAccount.name}@${b.blockedAccount.host}` },
          { header: 'Muted', cell: (b) => timeAgo(b.createdAt) },
          {
            header: 'Actions',
            cell: (b) => {
              const handle = `${b.blockedAccount.name}@${b.blockedAccount.host}`;
              return (
                <button
                  type="button"
                  className="button"
                  disabled={busy}
                  aria-label={`Unmute ${handle}`}
                  onClick={() => void run(() => adminApi.unblockAccount(handle), `${handle} is no longer muted.`, accounts.reload)}
                >
                  Unmute
                </button>
              );
            },
          },
        ]}
      />
      <h2 className="section-title" id="muted-servers">
        Muted servers
      </h2>
      <form
        className="inline-form"
        aria-labelledby="muted-servers"
        onSubmit={(e) => {
          e.preventDefault();
          const name = host.trim().toLowerCase();
          if (name) void run(() => adminApi.blockServer(name), `${name} is muted.`, () => (setHost(''), servers.reload()));
        }}
      >
        <label htmlFor="mute-server">Server (host)</label>
        <input id="mute-server" value={host} required onChange={(e) => setHost(e.target.value)} />
        <button type="submit" className="button" disabled={busy}>
          Mute the server
        </button>
      </form>
      <PagedTable
        paged={servers}
        caption="Servers muted by the instance"
        empty="No server is muted."
        rowKey={(b) => b.blockedServer.host}
        columns={[
          { header: 'Server', cell: (b) => b.blockedServer.host },
          { header: 'Muted', cell: (b) => timeAgo(b.createdAt) },
          {
            header: 'Actions',
            cell: (b) => (
              <button
                type="button"
                className="button"
                disabled={busy}
                aria-label={`Unmute ${b.blockedServer.host}`}
                onClick={() => void run(() => adminApi.unblockServer(b.blockedServer.host), `${b.blockedServer.host} is no longer muted.`, servers.reload)}
              >
                Unmute
              </button>
            ),
          },
        ]}
      />
    </section>
  );
}
