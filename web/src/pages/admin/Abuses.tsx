// Reports (PeerTube's admin abuses): filtered by state and kind, each with what it flags, its
// messages with the reporter, and a decision (accepted or rejected) with a note.
import { useState } from 'react';
import { Link } from 'react-router';
import { adminApi, type Abuse } from '../../admin/adminApi';
import { FilterForm, OutcomeLine, PagedList, useOutcome, usePaged } from '../../components/PagedTable';
import { ErrorMessage, Loading } from '../../components/Status';
import { timeAgo } from '../../format';
import { useLoad, useTitle } from '../../hooks';

const PENDING = 1;
const REJECTED = 2;
const ACCEPTED = 3;

export function Abuses() {
  useTitle('Reports');
  const [state, setState] = useState('');
  const [kind, setKind] = useState('');
  const [search, setSearch] = useState('');
  const abuses = usePaged(
    (paging, signal) => adminApi.abuses({ ...paging, state: state ? Number(state) : undefined, filter: kind || undefined, search }, signal),
    [state, kind, search],
  );
  const { outcome, setOutcome } = useOutcome();
  return (
    <section>
      <h1>Reports</h1>
      <FilterForm label="Filter the reports" onSearch={setSearch}>
        <label>
          State{' '}
          <select value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">Any</option>
            <option value={PENDING}>Pending</option>
            <option value={ACCEPTED}>Accepted</option>
            <option value={REJECTED}>Rejected</option>
          </select>
        </label>
        <label>
          Reported{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">Anything</option>
            <option value="video">Videos</option>
            <option value="comment">Comments</option>
            <option value="account">Accounts</option>
          </select>
        </label>
      </FilterForm>
      <OutcomeLine outcome={outcome} />
      <PagedList
        paged={abuses}
        label="Reports"
        loading="Loading the reports"
        empty="No report."
        rowKey={(abuse) => abuse.id}
        item={(abuse) => (
          <AbuseItem
            abuse={abuse}
            onDecided={(text) => {
              setOutcome({ ok: true, text });
              abuses.reload();
            }}
          />
        )}
      />
    </section>
  );
}

function Flagged({ abuse }: { abuse: Abuse }) {
  if (abuse.video) {
    return (
      <>
        the video <Link to={`/w/${abuse.video.uuid}`}>{abuse.video.name}</Link>
        {abuse.video.deleted ? ' (deleted)' : abuse.video.blacklisted ? ' (blocked)' : ''}
      </>
    );
  }
  if (abuse.comment) {
    return (
      <>
        a comment on <Link to={`/w/${abuse.comment.video.uuid}`}>{abuse.comment.video.name}</Link>: “{abuse.comment.text}”
        {abuse.comment.deleted ? ' (deleted)' : ''}
      </>
    );
  }
  return <>the account {abuse.flaggedAccount ? `${abuse.flaggedAccount.name}@${abuse.flaggedAccount.host}` : '(deleted)'}</>;
}

function AbuseItem({ abuse, onDecided }: { abuse: Abuse; onDecided: (text: string) => void }) {
  const [note, setNote] = useState(abuse.moderationComment ?? '');
  const [showMessages, setShowMessages] = useState(false);
  const { outcome, busy, run } = useOutcome();
  const decide = (state: number) =>
    void run(() => adminApi.updateAbuse(abuse.id, { state, ...(note.trim() ? { moderationComment: note.trim() } : {}) }), 'Saved.', () =>
      onDecided(`Report ${abuse.id} is ${state === ACCEPTED ? 'accepted' : 'rejected'}.`),
    );
  const noteId = `abuse-${abuse.id}-note`;
  return (
    <li className="moderation-item" aria-label={`Report ${abuse.id}`}>
      <p>
        <strong>Report {abuse.id}</strong> ({abuse.state.label}) by{' '}
        {abuse.reporterAccount ? `${abuse.reporterAccount.name}@${abuse.reporterAccount.host}` : 'a deleted account'}, {timeAgo(abuse.createdAt)},
        about <Flagged abuse={abuse} />
      </p>
      <p className="comment__text">{abuse.reason}</p>
      {abuse.predefinedReasons.length > 0 && <p className="hint">Reasons: {abuse.predefinedReasons.join(', ')}</p>}
      <label htmlFor={noteId}>Moderation note</label>
      <textarea id={noteId} rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
      <OutcomeLine outcome={outcome} />
      <div className="form__actions">
        {abuse.state.id !== ACCEPTED && (
          <button type="button" className="button button--primary" disabled={busy} onClick={() => decide(ACCEPTED)}>
            Accept the report
          </button>
        )}
        {abuse.state.id !== REJECTED && (
          <button type="button" className="button" disabled={busy} onClick={() => decide(REJECTED)}>
            Reject the report
          </button>
        )}
        <button type="button" className="button" aria-expanded={showMessages} onClick={() => setShowMessages(!showMessages)}>
          Messages ({abuse.countMessages})
        </button>
      </div>
      {showMessages && <Messages abuseId={abuse.id} />}
    </li>
  );
}

function Messages({ abuseId }: { abuseId: number }) {
  const messages = useLoad((s) => adminApi.abuseMessages(abuseId, s), [abuseId]);
  const [text, setText] = useState('');
  const { outcome, busy, run } = useOutcome();
  const id = `abuse-${abuseId}-message`;
  return (
    <div className="abuse-messages">
      {messages.loading && !messages.data && <Loading what="Loading the messages" />}
      {messages.error && <ErrorMessage error={messages.error} onRetry={messages.reload} />}
      {messages.data && messages.data.data.length === 0 && <p className="hint">No message yet.</p>}
      {messages.data && messages.data.data.length > 0 && (
        <ul className="abuse-messages__list" aria-label={`Messages of report ${abuseId}`}>
          {messages.data.data.map((m) => (
            <li key={m.id}>
              <strong>{m.byModerator ? 'Moderator' : (m.account?.displayName ?? 'Reporter')}</strong>, {timeAgo(m.createdAt)}: {m.message}
            </li>
          ))}
        </ul>
      )}
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => adminApi.addAbuseMessage(abuseId, text.trim()), 'Message sent.', () => {
            setText('');
            messages.reload();
          });
        }}
      >
        <label htmlFor={id}>Message to the reporter</label>
        <textarea id={id} rows={2} value={text} minLength={2} maxLength={3000} required onChange={(e) => setText(e.target.value)} />
        <OutcomeLine outcome={outcome} />
        <button type="submit" className="button" disabled={busy}>
          Send the message
        </button>
      </form>
    </div>
  );
}
