// Every comment on the instance (PeerTube's admin comments list): filtered, with its automatic
// tags; held ones are approved here, any is deleted.
import { useState } from 'react';
import { Link } from 'react-router';
import { OutcomeLine, Pager, useOutcome, usePaged } from '../../components/PagedTable';
import { Empty, ErrorMessage, Loading } from '../../components/Status';
import { timeAgo } from '../../format';
import { useLoad, useTitle } from '../../hooks';
import { moderationApi, type ModeratedComment } from '../../moderation';

export function Comments() {
  useTitle('Comments');
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [origin, setOrigin] = useState('');
  const [tag, setTag] = useState('');
  const tags = useLoad((s) => moderationApi.available('server', s), []);
  const comments = usePaged(
    (paging, signal) =>
      moderationApi.comments('all', { ...paging, search, autoTagOneOf: tag || undefined, ...(origin ? { isLocal: origin === 'local' } : {}) }, signal),
    [search, origin, tag],
  );
  const { outcome, busy, run } = useOutcome();
  const { data, error, loading, reload } = comments;
  const act = (comment: ModeratedComment, action: 'approve' | 'remove') =>
    void run(() => moderationApi[action](comment), action === 'approve' ? 'The comment is approved.' : 'The comment is deleted.', reload);
  return (
    <section>
      <h1>Comments</h1>
      <form
        className="filters"
        role="search"
        aria-label="Filter the comments"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(typed.trim());
        }}
      >
        <label>
          From{' '}
          <select value={origin} onChange={(e) => setOrigin(e.target.value)}>
            <option value="">Anywhere</option>
            <option value="local">This instance</option>
            <option value="remote">Other instances</option>
          </select>
        </label>
        <label>
          Tagged{' '}
          <select value={tag} onChange={(e) => setTag(e.target.value)}>
            <option value="">With any tag or none</option>
            {tags.data?.available.map((t) => (
              <option key={t.name} value={t.name}>
                {t.type === 'core' ? 'with a link to another site' : t.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Search <input type="search" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </label>
        <button type="submit" className="button">
          Search
        </button>
      </form>
      <OutcomeLine outcome={outcome} />
      {loading && !data && <Loading what="Loading the comments" />}
      {error && <ErrorMessage error={error} onRetry={reload} />}
      {data && data.data.length === 0 && <Empty title="No comment." />}
      {data && data.data.length > 0 && (
        <ul className="moderation-list" aria-label="Comments">
          {data.data.map((comment) => (
            <li key={comment.id} className="moderation-item">
              <p>
                <strong>{comment.account ? `${comment.account.displayName} (${comment.account.name}@${comment.account.host})` : 'Deleted account'}</strong> on{' '}
                <Link to={`/w/${comment.video.uuid}`}>{comment.video.name}</Link>, {timeAgo(comment.createdAt)}
                {comment.heldForReview && <span className="moderation-held"> waiting for approval</span>}
              </p>
              <p className="comment__text">{comment.text}</p>
              {comment.automaticTags.length > 0 && <p className="hint">Automatic tags: {comment.automaticTags.join(', ')}</p>}
              <div className="form__actions">
                {comment.heldForReview && (
                  <button type="button" className="button button--primary" disabled={busy} onClick={() => act(comment, 'approve')}>
                    Approve
                  </button>
                )}
                <button type="button" className="button button--danger" disabled={busy} onClick={() => act(comment, 'remove')}>
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <Pager paged={comments} label="Pages of comments" />
    </section>
  );
}
