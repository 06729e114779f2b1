// Every comment on the instance (PeerTube's admin comments list): filtered, with its automatic
// tags; held ones are approved here, any is deleted.
import { useState } from 'react';
import { Link } from 'react-router';
import { FilterForm, OutcomeLine, PagedList, useOutcome, usePaged } from '../../components/PagedTable';
import { timeAgo } from '../../format';
import { useLoad, useTitle } from '../../hooks';
import { moderationApi, type ModeratedComment } from '../../moderation';

export function Comments() {
  useTitle('Comments');
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
  const act = (comment: ModeratedComment, action: 'approve' | 'remove') =>
    void run(() => moderationApi[action](comment), action === 'approve' ? 'The comment is approved.' : 'The comment is deleted.', comments.reload);
  return (
    <section>
      <h1>Comments</h1>
      <FilterForm label="Filter the comments" onSearch={setSearch}>
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
      </FilterForm>
      <OutcomeLine outcome={outcome} />
      <PagedList
        paged={comments}
        label="Comments"
        loading="Loading the comments"
        empty="No comment."
        rowKey={(comment) => comment.id}
        item={(comment) => (
          <li className="moderation-item">
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
        )}
      />
    </section>
  );
}
