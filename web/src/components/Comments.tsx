import { useState } from 'react';
import { Link } from 'react-router';
import { errorMessage } from '../api';
import { timeAgo } from '../format';
import { useLoad, useSignedIn } from '../hooks';
import { api } from '../services';
import { actorHandle, type Comment, type CommentTree } from '../types';
import { ErrorMessage, Loading } from './Status';

function CommentForm({ label, onSend, onDone }: { label: string; onSend: (text: string) => Promise<unknown>; onDone: () => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = `comment-${label.replace(/\W+/g, '-')}`;
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await onSend(text.trim());
      setText('');
      onDone();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="comment-form" onSubmit={submit}>
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <textarea id={id} rows={2} placeholder={label} value={text} onChange={(e) => setText(e.target.value)} />
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="button button--primary" disabled={busy || !text.trim()}>
        {busy ? 'Sending…' : 'Send'}
      </button>
    </form>
  );
}

function CommentBody({ comment }: { comment: Comment }) {
  if (comment.isDeleted || !comment.account) return <p className="muted">This comment has been deleted.</p>;
  return (
    <>
      <p className="comment__meta">
        <Link to={`/a/${actorHandle(comment.account)}`}>{comment.account.displayName}</Link>{' '}
        <time className="muted" dateTime={comment.createdAt}>
          {timeAgo(comment.createdAt)}
        </time>
      </p>
      <p className="comment__text">{comment.text}</p>
    </>
  );
}

function Replies({ videoId, tree, onChanged }: { videoId: number; tree: CommentTree; onChanged: () => void }) {
  return (
    <ul className="comment-replies">
      {tree.children.map((child) => (
        <li key={child.comment.id} className="comment">
          <CommentBody comment={child.comment} />
          <ReplyBox videoId={videoId} comment={child.comment} onDone={onChanged} />
          {child.children.length > 0 && <Replies videoId={videoId} tree={child} onChanged={onChanged} />}
        </li>
      ))}
    </ul>
  );
}

function ReplyBox({ videoId, comment, onDone }: { videoId: number; comment: Comment; onDone: () => void }) {
  const signedIn = useSignedIn();
  const [open, setOpen] = useState(false);
  if (!signedIn || comment.isDeleted) return null;
  return open ? (
    <CommentForm
      label={`Reply to ${comment.account?.displayName ?? 'comment'}`}
      onSend={(text) => api.reply(videoId, comment.id, text)}
      onDone={() => {
        setOpen(false);
        onDone();
      }}
    />
  ) : (
    <button
      type="button"
      className="link-button"
      aria-label={`Reply to ${comment.account?.displayName ?? 'this comment'}`}
      onClick={() => setOpen(true)}
    >
      Reply
    </button>
  );
}

function Thread({ videoId, comment, onChanged }: { videoId: number; comment: Comment; onChanged: () => void }) {
  const [expanded, setExpanded] = useState(false);
  const [generation, setGeneration] = useState(0);
  const tree = useLoad((s) => (expanded ? api.thread(videoId, comment.threadId, s) : Promise.resolve(null)), [expanded, generation]);
  const replies = comment.totalReplies ?? 0;
  const refresh = () => {
    setExpanded(true);
    setGeneration((g) => g + 1);
    onChanged();
  };
  return (
    <li className="comment">
      <CommentBody comment={comment} />
      <ReplyBox videoId={videoId} comment={comment} onDone={refresh} />
      {replies > 0 && (
        <button type="button" className="link-button" aria-expanded={expanded} onClick={() => setExpanded((e) => !e)}>
          {expanded ? 'Hide replies' : `Show ${replies} ${replies === 1 ? 'reply' : 'replies'}`}
        </button>
      )}
      {expanded && tree.loading && <Loading what="Loading replies" />}
      {expanded && tree.error && <ErrorMessage error={tree.error} onRetry={tree.reload} />}
      {expanded && tree.data && <Replies videoId={videoId} tree={tree.data} onChanged={refresh} />}
    </li>
  );
}

export function Comments({ videoId, enabled }: { videoId: number; enabled: boolean }) {
  const signedIn = useSignedIn();
  const threads = useLoad((s) => api.threads(videoId, 0, s), [videoId]);
  return (
    <section className="comments" aria-labelledby="comments-title">
      <h2 id="comments-title" className="section-title">
        Comments{threads.data ? ` (${threads.data.total})` : ''}
      </h2>
      {!enabled && <p className="muted">Comments are disabled for this video.</p>}
      {enabled && signedIn && <CommentForm label="Add a comment" onSend={(text) => api.comment(videoId, text)} onDone={threads.reload} />}
      {enabled && !signedIn && (
        <p>
          <Link to={`/login?next=${encodeURIComponent(location.pathname)}`}>Log in</Link> to comment.
        </p>
      )}
      {threads.loading && !threads.data && <Loading what="Loading comments" />}
      {threads.error && <ErrorMessage error={threads.error} onRetry={threads.reload} />}
      {threads.data && (
        <ul className="comment-list">
          {threads.data.data.map((c) => (
            <Thread key={c.id} videoId={videoId} comment={c} onChanged={threads.reload} />
          ))}
        </ul>
      )}
    </section>
  );
}
