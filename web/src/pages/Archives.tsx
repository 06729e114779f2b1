import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { archives, uploadArchive, type UserExport, type UserImport } from '../archives';
import { session } from '../auth';
import { AccountTabs } from '../components/AccountTabs';
import { ErrorMessage, Loading } from '../components/Status';
import { formatBytes } from '../format';
import { useAction, useApp, useLoad, useTitle } from '../hooks';

const when = (date: string) => new Date(date).toLocaleString();
const working = (state: { id: number }) => state.id === 1 || state.id === 2;

/** Reload every few seconds while something is pending or processing. */
function usePolling(active: boolean, reload: () => void) {
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(reload, 3000);
    return () => window.clearInterval(timer);
  }, [active, reload]);
}

/** Moving house: export the account as an archive, import one (PeerTube's my-account import/export). */
export function Archives() {
  useTitle('Export / import');
  const { me } = useApp();
  if (!session.signedIn) {
    return (
      <p>
        <Link to="/login?next=/my-account/import-export">Log in</Link> to export or import your account.
      </p>
    );
  }
  if (!me) return <Loading what="Loading your account" />;
  return (
    <section>
      <h1>Export / import</h1>
      <AccountTabs />
      <Exports userId={me.id} />
      <Import userId={me.id} />
    </section>
  );
}

function Exports({ userId }: { userId: number }) {
  const list = useLoad((signal) => archives.listExports(userId, signal), [userId]);
  const [withVideoFiles, setWithVideoFiles] = useState(true);
  const { busy, error, run } = useAction();
  const exports: UserExport[] = list.data?.data ?? [];
  usePolling(exports.some((e) => working(e.state)), list.reload);

  const request = (e: React.FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await archives.requestExport(userId, withVideoFiles);
      list.reload();
    });
  };
  const remove = (id: number) =>
    void run(async () => {
      await archives.deleteExport(userId, id);
      list.reload();
    });

  return (
    <>
      <h2>Export your account</h2>
      <p>
        An archive of your account (channels, videos, playlists, subscriptions, blocklists, settings) that this instance or
        any PeerTube instance can import. It stays available for two days.
      </p>
      {error && <ErrorMessage error={error} />}
      {list.error && <ErrorMessage error={list.error} onRetry={list.reload} />}
      <form className="form" onSubmit={request}>
        <label>
          <input type="checkbox" checked={withVideoFiles} onChange={(e) => setWithVideoFiles(e.target.checked)} /> Include the
          video files
        </label>
        <button className="button button--primary" type="submit" disabled={busy}>
          Request an archive
        </button>
      </form>
      {exports.length > 0 && (
        <ul className="sessions" aria-label="Exports">
          {exports.map((e) => (
            <li key={e.id} className="sessions__item" data-testid="user-export">
              <p>
                <strong>{e.state.label}</strong>, asked {when(e.createdAt)}
                {e.size !== null && <> ({formatBytes(e.size)})</>}
              </p>
              {e.state.id === 3 && <p className="muted">Available until {when(e.expiresOn)}</p>}
              {e.error && <p className="error-box">{e.error}</p>}
              {e.privateDownloadUrl && (
                <a className="button" href={e.privateDownloadUrl} download>
                  Download
                </a>
              )}
              {!working(e.state) && (
                <button type="button" className="link-button danger" onClick={() => remove(e.id)}>
                  Delete
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function Import({ userId }: { userId: number }) {
  const latest = useLoad((signal) => archives.latestImport(userId, signal), [userId]);
  const [file, setFile] = useState<File | null>(null);
  const [sent, setSent] = useState(0);
  const { busy, error, notice, setNotice, run } = useAction();
  const current: UserImport | null = latest.data ?? null;
  usePolling(current !== null && working(current.state), latest.reload);

  const start = (e: React.FormEvent) => {
    e.preventDefault();
    if (!file) return;
    void run(async () => {
      await uploadArchive(userId, file, setSent);
      setNotice('Archive received: its import has started.');
      latest.reload();
    });
  };

  return (
    <>
      <h2>Import an archive</h2>
      <p>Bring in an account exported from this instance, another Cirrus or PeerTube instance (a .zip archive).</p>
      {error && <ErrorMessage error={error} />}
      {notice && (
        <p className="notice notice--ok" role="status">
          {notice}
        </p>
      )}
      <form className="form" onSubmit={start}>
        <label htmlFor="import-archive">Archive</label>
        <input id="import-archive" type="file" accept=".zip,application/zip" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        <button className="button button--primary" type="submit" disabled={busy || !file}>
          Import
        </button>
        {busy && file && (
          <progress max={file.size} value={sent} aria-label="Archive sent">
            {Math.round((100 * sent) / Math.max(file.size, 1))}%
          </progress>
        )}
      </form>
      {latest.error && <ErrorMessage error={latest.error} onRetry={latest.reload} />}
      {current && (
        <div data-testid="user-import">
          <p>
            Latest import: <strong>{current.state.label}</strong>, {when(current.createdAt)}
          </p>
          {current.error && <p className="error-box">{current.error}</p>}
          {current.resultSummary && (
            <ul aria-label="Import summary">
              {Object.entries(current.resultSummary.stats).map(([section, s]) => (
                <li key={section}>
                  {section}: {s.success} restored, {s.duplicates} already there, {s.errors} refused
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </>
  );
}
