import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api';
import { session } from '../auth';
import { AccountTabs } from '../components/AccountTabs';
import { Empty, ErrorMessage, Loading } from '../components/Status';
import { timeAgo } from '../format';
import { useApp, useLoad, useTitle } from '../hooks';
import { listProblem, moderationApi, parseWords, type ModeratedComment, type Owner, type WatchedWordsList } from '../moderation';

const PAGE = 20;
const ADMIN = 0;
const MODERATOR = 1;

/** Comments to approve, watched words and the review policy: the user's own, and for the
 * staff the instance's (PeerTube's "Comments on my videos", "Watched words" and their
 * administration counterparts). */
export function Moderation() {
  useTitle('Moderation');
  const { me } = useApp();
  // The tags one may hold comments for are the lists' names: read again when they change.
  const [listsVersion, setListsVersion] = useState(0);
  if (!session.signedIn) {
    return (
      <p>
        <Link to="/login?next=/my-account/moderation">Log in</Link> to moderate the comments on your videos.
      </p>
    );
  }
  if (!me) return <Loading />;
  const staff = me.role.id === ADMIN || me.role.id === MODERATOR;
  const account = { account: me.username };
  return (
    <section>
      <h1>Moderation</h1>
      <AccountTabs />
      <CommentList scope="mine" title="Comments on my videos" />
      <WatchedWords owner={account} title="My watched words" onChanged={() => setListsVersion((v) => v + 1)} />
      <ReviewPolicy account={me.username} version={listsVersion} />
      {staff && (
        <>
          <CommentList scope="all" title="All comments on this instance" />
          <WatchedWords owner="server" title="Watched words of this instance" />
        </>
      )}
    </section>
  );
}

function CommentList({ scope, title }: { scope: 'mine' | 'all'; title: string }) {
  const [heldOnly, setHeldOnly] = useState(scope === 'mine');
  const [count, setCount] = useState(PAGE);
  const id = `comments-${scope}`;
  const { data, error, loading, reload, setData } = useLoad(
    (signal) => moderationApi.comments(scope, { start: 0, count, isHeldForReview: scope === 'mine' && heldOnly ? true : undefined }, signal),
    [scope, count, heldOnly],
  );
  const [failure, setFailure] = useState<string | null>(null);
  const act = async (comment: ModeratedComment, action: 'approve' | 'remove') => {
    setFailure(null);
    try {
      await moderationApi[action](comment);
      if (!data) return;
      const rest = data.data.filter((c) => c.id !== comment.id);
      if (action === 'approve' && !heldOnly) rest.splice(data.data.indexOf(comment), 0, { ...comment, heldForReview: false });
      setData({ total: data.total - (rest.length < data.data.length ? 1 : 0), data: rest });
    } catch (err) {
      setFailure(errorMessage(err));
    }
  };
  return (
    <>
      <h2 className="section-title" id={id}>
        {title}
      </h2>
      {scope === 'mine' && (
        <label className="checkbox">
          <input type="checkbox" checked={heldOnly} onChange={(e) => setHeldOnly(e.target.checked)} /> Only those waiting for my
          approval
        </label>
      )}
      {failure && (
        <p className="error-box" role="alert">
          {failure}
        </p>
      )}
      {loading && !data && <Loading what="Loading the comments" />}
      {error && <ErrorMessage error={error} onRetry={reload} />}
      {data && data.data.length === 0 && <Empty title={heldOnly ? 'No comment waits for approval.' : 'No comments yet.'} />}
      {data && data.data.length > 0 && (
        <ul className="moderation-list" aria-labelledby={id}>
          {data.data.map((comment) => (
            <li key={comment.id} className="moderation-item">
              <p>
                <strong>{comment.account?.displayName ?? 'Deleted account'}</strong> on{' '}
                <Link to={`/w/${comment.video.uuid}`}>{comment.video.name}</Link>, {timeAgo(comment.createdAt)}
                {comment.heldForReview && <span className="moderation-held"> waiting for approval</span>}
              </p>
              <p className="comment__text">{comment.text}</p>
              {comment.automaticTags.length > 0 && (
                <p className="hint">Automatic tags: {comment.automaticTags.join(', ')}</p>
              )}
              <div className="form__actions">
                {comment.heldForReview && (
                  <button type="button" className="button button--primary" onClick={() => void act(comment, 'approve')}>
                    Approve
                  </button>
                )}
                <button type="button" className="button button--danger" onClick={() => void act(comment, 'remove')}>
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {data && data.total > data.data.length && (
        <button type="button" className="button" onClick={() => setCount(count + PAGE)}>
          Show more
        </button>
      )}
    </>
  );
}

export function WatchedWords({ owner, title, onChanged }: { owner: Owner; title: string; onChanged?: () => void }) {
  const key = owner === 'server' ? 'server' : owner.account;
  const { data, error, loading, reload } = useLoad((signal) => moderationApi.lists(owner, signal), [key]);
  const [editing, setEditing] = useState<WatchedWordsList | 'new' | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const id = `words-${key}`;
  const remove = async (list: WatchedWordsList) => {
    setFailure(null);
    try {
      await moderationApi.deleteList(owner, list.id);
      reload();
      onChanged?.();
    } catch (err) {
      setFailure(errorMessage(err));
    }
  };
  return (
    <>
      <h2 className="section-title" id={id}>
        {title}
      </h2>
      <p className="hint">
        A comment that contains one of a list’s words (as a whole word, whatever its case) gets the list’s name as an automatic tag.
      </p>
      {failure && (
        <p className="error-box" role="alert">
          {failure}
        </p>
      )}
      {loading && !data && <Loading what="Loading the lists" />}
      {error && <ErrorMessage error={error} onRetry={reload} />}
      {data && data.data.length === 0 && <Empty title="No watched words yet." />}
      {data && data.data.length > 0 && (
        <ul className="moderation-list" aria-labelledby={id}>
          {data.data.map((list) => (
            <li key={list.id} className="moderation-item">
              <p>
                <strong>{list.listName}</strong>: {list.words.join(', ')}
              </p>
              <div className="form__actions">
                <button type="button" className="button" onClick={() => setEditing(list)} aria-label={`Edit the list ${list.listName}`}>
                  Edit
                </button>
                <button
                  type="button"
                  className="button button--danger"
                  onClick={() => void remove(list)}
                  aria-label={`Delete the list ${list.listName}`}
                >
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {editing ? (
        <ListForm
          owner={owner}
          list={editing === 'new' ? null : editing}
          formId={`${id}-form`}
          onDone={() => {
            setEditing(null);
            reload();
            onChanged?.();
          }}
          onCancel={() => setEditing(null)}
        />
      ) : (
        <button type="button" className="button" onClick={() => setEditing('new')}>
          Add a list
        </button>
      )}
    </>
  );
}

function ListForm(props: { owner: Owner; list: WatchedWordsList | null; formId: string; onDone: () => void; onCancel: () => void }) {
  const { owner, list, formId, onDone, onCancel } = props;
  const [name, setName] = useState(list?.listName ?? '');
  const [words, setWords] = useState(list ? list.words.join('\n') : '');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    const parsed = parseWords(words);
    const found = listProblem(name, parsed);
    setProblem(found);
    if (found) return;
    setBusy(true);
    try {
      if (list) await moderationApi.updateList(owner, list.id, name.trim(), parsed);
      else await moderationApi.addList(owner, name.trim(), parsed);
      onDone();
    } catch (err) {
      setProblem(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form" onSubmit={save} aria-label={list ? `Edit the list ${list.listName}` : 'New watched words list'}>
      <label htmlFor={`${formId}-name`}>List name</label>
      <input id={`${formId}-name`} value={name} maxLength={100} onChange={(e) => setName(e.target.value)} required />
      <label htmlFor={`${formId}-words`}>Words, one a line</label>
      <textarea id={`${formId}-words`} rows={6} value={words} onChange={(e) => setWords(e.target.value)} required />
      {problem && (
        <p className="error-box" role="alert">
          {problem}
        </p>
      )}
      <div className="form__actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {list ? 'Save the list' : 'Add the list'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ReviewPolicy({ account, version }: { account: string; version: number }) {
  const owner = { account };
  const tags = useLoad((signal) => moderationApi.available(owner, signal), [account, version]);
  const policy = useLoad((signal) => moderationApi.reviewPolicy(account, signal), [account]);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const toggle = async (name: string, held: boolean) => {
    if (!policy.data) return;
    const before = policy.data;
    const review = held ? [...before.review, name] : before.review.filter((t) => t !== name);
    setResult(null);
    policy.setData({ review }); // the box follows the click at once; undone if the server refuses
    try {
      await moderationApi.setReviewPolicy(account, review);
      setResult({ ok: true, text: 'Saved.' });
    } catch (err) {
      policy.setData(before);
      setResult({ ok: false, text: errorMessage(err) });
    }
  };
  return (
    <>
      <h2 className="section-title">Comments I approve first</h2>
      {(tags.loading || policy.loading) && <Loading what="Loading the automatic tags" />}
      {(tags.error || policy.error) && <ErrorMessage error={tags.error ?? policy.error ?? ''} onRetry={tags.reload} />}
      {tags.data && policy.data && (
        <fieldset className="fieldset">
          <legend>Hold for my approval the comments on my videos tagged</legend>
          {tags.data.available.map((tag) => (
            <label key={tag.name} className="checkbox">
              <input
                type="checkbox"
                checked={policy.data?.review.includes(tag.name) ?? false}
                onChange={(e) => void toggle(tag.name, e.target.checked)}
              />{' '}
              {tag.type === 'core' ? 'with a link to another site' : tag.name}
            </label>
          ))}
        </fieldset>
      )}
      {result && (
        <p className={result.ok ? 'notice notice--ok' : 'error-box'} role={result.ok ? 'status' : 'alert'}>
          {result.text}
        </p>
      )}
    </>
  );
}
