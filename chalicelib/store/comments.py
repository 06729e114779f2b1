"""Access patterns of video comments (M1-M7 in docs/data-model.md).

A comment lives in its video's partition under its thread's key prefix; a claim item maps
its id to that place. Every write moves the video's comment counters (and the thread
root's reply counters) in the same transaction, so the counts never drift from the items.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.store import claims, keys, moderation
from chalicelib.store.models import Claim, CommentEntry, Video, VideoComment
from chalicelib.store.writes import connection, is_condition_failure

if TYPE_CHECKING:
    from pynamodb.expressions.condition import Condition


@dataclass(frozen=True)
class CommentPlace:
    """Where a comment is stored, from its id alone."""

    video_id: int
    thread_id: int


def locate(comment_id: int) -> CommentPlace | None:
    """M1: one GetItem of the comment id's claim."""
    target = claims.target(keys.COMMENT_ID, str(comment_id))
    if target is None:
        return None
    video_id, thread_id = target.split("#")
    return CommentPlace(int(video_id), int(thread_id))


def get_comment(place: CommentPlace, comment_id: int) -> VideoComment | None:
    """M2: one GetItem."""
    try:
        return VideoComment.get(
            keys.video_pk(place.video_id), keys.comment_sk(place.thread_id, comment_id), consistent_read=True
        )
    except VideoComment.DoesNotExist:
        return None


def read_thread(video_id: int, thread_id: int) -> list[VideoComment]:
    """M3: the whole thread, root first then by id (creation order): one Query."""
    items = VideoComment.query(
        keys.video_pk(video_id),
        VideoComment.sk.startswith(keys.thread_prefix(thread_id)),
        consistent_read=True,
    )
    return [item for item in items if isinstance(item, VideoComment)]


def list_threads(
    video_id: int, *, visible: Condition | None, newest_first: bool, limit: int | None
) -> list[VideoComment]:
    """M4: a video's thread roots by creation (the first `limit`, or all): one Query,
    more only when `visible` filters roots out of the first page."""
    page_size = min(limit, 1000) if limit else None
    items = VideoComment.by_gsi1.query(
        keys.video_threads_gsi1pk(video_id),
        scan_index_forward=not newest_first,
        filter_condition=visible,
        limit=limit,
        page_size=page_size,
    )
    return [item for item in items if isinstance(item, VideoComment)]


def list_held_by(video_id: int, account_id: int) -> list[VideoComment]:
    """M5: an account's comments held for review on a video (its own count in the totals):
    one Query of the video's held comments, which moderation keeps few."""
    items = VideoComment.by_gsi2.query(
        keys.video_held_comments_gsi2pk(video_id), filter_condition=VideoComment.account_id == account_id
    )
    return [item for item in items if isinstance(item, VideoComment)]


def new_comment(
    video: Video,
    *,
    comment_id: int,
    thread_id: int,
    in_reply_to_id: int | None,
    account_id: int,
    text: str,
    url: str,
    held: bool,
    now: datetime,
) -> VideoComment:
    comment = VideoComment(
        keys.video_pk(int(video.id)),
        keys.comment_sk(thread_id, comment_id),
        id=comment_id,
        video_id=int(video.id),
        thread_id=thread_id,
        in_reply_to_id=in_reply_to_id,
        account_id=account_id,
        text=text,
        url=url,
        held_for_review=held,
        created_at=now,
        updated_at=now,
    )
    if in_reply_to_id is None:
        comment.gsi1pk = keys.video_threads_gsi1pk(int(video.id))
        comment.gsi1sk = keys.created_sort_key(now.isoformat(), comment_id)
    if held:
        comment.gsi2pk = keys.video_held_comments_gsi2pk(int(video.id))
        comment.gsi2sk = keys.created_sort_key(now.isoformat(), comment_id)
    return comment


def add_comment(
    comment: VideoComment,
    video: Video,
    *,
    by_video_author: bool,
    remote: bool = False,
    entry: CommentEntry | None = None,
) -> bool:
    """M6: the comment, its id claim, its moderation log `entry`, the root's reply counters
    and the video's comment counters in one transaction; False if the video is gone (or,
    for a `remote` comment, claimed by its URL, if it was stored already)."""
    root = comment.in_reply_to_id is None
    held = bool(comment.held_for_review)
    video_actions: list[Any] = []
    if held:
        video_actions.append(Video.held_comments.add(1))
        if root:
            video_actions.append(Video.held_comment_threads.add(1))
    else:
        video_actions.append(Video.comments_count.add(1))
        if root:
            video_actions.append(Video.comment_threads.add(1))
    claim = Claim(
        keys.claim_pk(keys.COMMENT_ID, str(int(comment.id))),
        keys.CLAIM_SK,
        target=f"{int(comment.video_id)}#{int(comment.thread_id)}",
    )

    def write(transaction: TransactWrite) -> None:
        transaction.save(comment, condition=VideoComment.pk.does_not_exist())
        transaction.save(claim, condition=Claim.pk.does_not_exist())
        if entry is not None:
            transaction.save(entry)
        if remote:
            by_url = Claim(
                keys.claim_pk(keys.COMMENT_URL, str(comment.url)), keys.CLAIM_SK, target=str(int(comment.id))
            )
            transaction.save(by_url, condition=Claim.pk.does_not_exist())

    return _write_counted(write, comment, video, video_actions, None if root else 1, by_video_author)


def find_remote_comment_id(url: str) -> int | None:
    """M8: a remote comment's id by its URL (one GetItem)."""
    target = claims.target(keys.COMMENT_URL, url)
    return None if target is None else int(target)


def mark_deleted(comment: VideoComment, video: Video, *, by_video_author: bool, now: datetime) -> bool:
    """M7: blank the comment (PeerTube's soft delete) and take it out of the counters in
    one transaction; False if it was deleted meanwhile (or the video is gone)."""
    held = bool(comment.held_for_review)
    video_actions: list[Any] = [Video.held_comments.add(-1) if held else Video.comments_count.add(-1)]

    def write(transaction: TransactWrite) -> None:
        transaction.update(
            comment,
            actions=[
                VideoComment.text.set(""),
                VideoComment.account_id.remove(),
                VideoComment.deleted_at.set(now),
                VideoComment.updated_at.set(now),
            ],
            condition=VideoComment.pk.exists() & VideoComment.deleted_at.does_not_exist(),
        )
        transaction.delete(moderation.entry_key_of(comment))  # out of the moderation lists

    reply_delta = None if comment.in_reply_to_id is None else -1
    return _write_counted(write, comment, video, video_actions, reply_delta, by_video_author)


def approve(comment: VideoComment, video: Video, *, now: datetime) -> bool:
    """M10: a held comment let through: no longer held (out of the video's held list) and
    counted among the shown ones, in one transaction; False if it was deleted or approved
    meanwhile (or the video is gone)."""
    root = comment.in_reply_to_id is None
    video_actions: list[Any] = [Video.held_comments.add(-1), Video.comments_count.add(1)]
    if root:
        video_actions += [Video.held_comment_threads.add(-1), Video.comment_threads.add(1)]
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.update(
                comment,
                actions=[
                    VideoComment.held_for_review.set(False),
                    VideoComment.gsi2pk.remove(),
                    VideoComment.gsi2sk.remove(),
                    VideoComment.updated_at.set(now),
                ],
                condition=(VideoComment.held_for_review == True)  # noqa: E712 (a DynamoDB condition)
                & VideoComment.deleted_at.does_not_exist(),
            )
            transaction.update(video, actions=video_actions, condition=Video.pk.exists())
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    # Its log entry follows (comments older than the log have none: nothing to change).
    try:
        moderation.entry_key_of(comment).update(
            actions=[CommentEntry.held_for_review.set(False), CommentEntry.updated_at.set(now)],
            condition=CommentEntry.pk.exists(),
        )
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise
    return True


def _write_counted(
    write: Callable[[TransactWrite], None],
    comment: VideoComment,
    video: Video,
    video_actions: list[Any],
    reply_delta: int | None,
    by_video_author: bool,
) -> bool:
    """One transaction: the comment's own write, its thread root's reply counters (for a
    reply) and the video's counters; False when a condition failed."""
    try:
        with TransactWrite(connection=connection()) as transaction:
            write(transaction)
            if reply_delta is not None:
                actions: list[Any] = [VideoComment.replies.add(reply_delta)]
                if by_video_author:
                    actions.append(VideoComment.replies_from_video_author.add(reply_delta))
                transaction.update(_root_of(comment), actions=actions, condition=VideoComment.pk.exists())
            transaction.update(video, actions=video_actions, condition=Video.pk.exists())
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def _root_of(comment: VideoComment) -> VideoComment:
    thread_id = int(comment.thread_id)
    return VideoComment(keys.video_pk(int(comment.video_id)), keys.comment_sk(thread_id, thread_id))


def federated_comments_page(video_id: int, start: int, count: int) -> list[VideoComment]:
    """M9: a video's comments that are neither held nor deleted, by thread then creation
    (its ActivityPub comments collection): one Query of the video's comments."""
    found: list[VideoComment] = []
    for item in VideoComment.query(keys.video_pk(video_id), VideoComment.sk.startswith("COMMENT#")):
        if isinstance(item, VideoComment) and not item.held_for_review and item.deleted_at is None:
            found.append(item)
        if len(found) >= start + count:
            break
    return found[start:]
