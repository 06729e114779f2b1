"""Video comments (PeerTube's comment threads): post, reply, read a thread or a video's
threads, delete. Rules, checks and messages are PeerTube's (video-comments validators,
lib/video-comment.ts); see docs/data-model.md for how they are stored.

Comments are held for review by the video's policy (REQUIRES_APPROVAL) or by the automatic
tags its owner's review policy names (domain/automatic_tags.py); the video's owner account and
moderators see held comments, and approve them.

Not (yet) as PeerTube: `text: null` is a 400 (PeerTube lets it through to a NOT NULL
failure); there are no channel collaborators; password-protected videos follow
check_can_see, with the x-peertube-video-password header. Plugins may refuse a new thread, a
reply or a remote comment (PeerTube's accept filters, whose verdict says `accepted`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from chalicelib import plugins
from chalicelib.domain import automatic_tags, events, muting
from chalicelib.domain import videos as video_cases
from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.domain.short_uuid import from_short
from chalicelib.domain.video_rights import owns
from chalicelib.errors import BadRequestError, ConflictError, ForbiddenError, NotFoundError, ValidationError
from chalicelib.observability import logger
from chalicelib.store import comments, counters, moderation
from chalicelib.store.models import VideoComment
from chalicelib.store.pages import MAX_COUNT

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import datetime

    from pynamodb.expressions.condition import Condition

    from chalicelib.config import Settings
    from chalicelib.store.models import User, Video

POLICY_DISABLED = 2
POLICY_REQUIRES_APPROVAL = 3
TEXT_LENGTH = (1, 10000)  # CONSTRAINTS_FIELDS.VIDEO_COMMENTS.TEXT
SORTS = ("createdAt", "totalReplies")
DEFAULT_SORT = "-createdAt"
# validator.isLength does not count these presentation selectors.
PRESENTATION_SELECTORS = ("\ufe0e", "\ufe0f")
# What a JavaScript validator calls the type of a JSON value it did not expect.
JS_TYPE_NAMES = {bool: "Boolean", int: "Number", float: "Number", list: "Array", dict: "Object"}

THREAD_NOT_FOUND = "Video comment thread not found"
NOT_ASSOCIATED = "Video comment is not associated to this video."


@dataclass
class CommentNode:
    """A comment with its reply counters, and the visible replies under it (a tree)."""

    comment: VideoComment
    total_replies: int = 0
    total_replies_from_video_author: int = 0
    children: list[CommentNode] = field(default_factory=list)


@dataclass(frozen=True)
class ThreadPage:
    total: int
    total_not_deleted: int
    threads: list[CommentNode]


# Input


def text_error(value: Any, present: bool = True) -> str | None:
    """PeerTube's `text` check: a string of 1 to 10000 characters as validator.js counts."""
    if not present:
        return "Expected a string but received a undefined"
    if value is None:
        return "Expected a string but received a null"
    if not isinstance(value, str):
        return f"Expected a string but received a {JS_TYPE_NAMES.get(type(value), 'Object')}"
    length = len(value) - sum(value.count(selector) for selector in PRESENTATION_SELECTORS)
    if not TEXT_LENGTH[0] <= length <= TEXT_LENGTH[1]:
        return "Invalid value"
    return None


def comment_id_error(raw: str) -> str | None:
    """PeerTube's isIdValid: an integer, sign and leading zeros allowed."""
    digits = raw[1:] if raw[:1] in ("+", "-") else raw
    return None if digits.isdigit() else "Invalid value"


def video_id_error(raw: str) -> str | None:
    """The `videoId` parameter check that runs before any lookup (find_video's format rule)."""
    candidate = from_short(raw) if len(raw) == 22 else raw
    if candidate and (candidate.isdigit() or video_cases.UUID_V4.match(candidate)):
        return None
    return "Should have a valid video id (id, short UUID or UUID)"


def read_request(video_id: str, body: dict[str, Any] | None, ids: dict[str, str]) -> None:
    """All the parameter checks of a comment route at once (`invalid-params` lists every
    failing one): the video id, comment ids by field name, and the body's text if any."""
    invalid: dict[str, str] = {}
    video_error = video_id_error(video_id)
    if video_error:
        invalid["videoId"] = video_error
    for name, raw in ids.items():
        error = comment_id_error(raw)
        if error:
            invalid[name] = error
    if body is not None:
        error = text_error(body.get("text"), "text" in body)
        if error:
            invalid["text"] = error
    if invalid:
        raise ValidationError(invalid)


# Who sees and may do what


def sees_all_comments(video: Video, viewer: User | None) -> bool:
    """Moderators and the video's owner see comments held for review; others only theirs."""
    if viewer is None:
        return False
    return owns(viewer, video) or has_right(Role(int(viewer.role)), Right.SEE_ALL_COMMENTS)


def is_visible(comment: VideoComment, video: Video, viewer: User | None, sees_all: bool) -> bool:
    if sees_all or not comment.held_for_review:
        return True
    return viewer is not None and comment.account_id is not None and int(comment.account_id) == int(viewer.account_id)


def should_hold(video: Video, author: User | None, owner_tags: Iterable[str] = (), review: Iterable[str] = ()) -> bool:
    """PeerTube's hold rule (shouldCommentBeHeldForReview, and getCommentHoldStatus for remote
    comments). `author` is the local user writing the comment, None for a remote account: on
    a remote video, a remote comment is never held here ("third parties rely on origin",
    which holds what it must). Then the video's policy, and on a local video the automatic
    tags its owner's lists gave the comment (`owner_tags`) against the owner's `review` policy."""
    if author is None:
        if not video.is_local:
            return False
    elif video.is_local and (owns(author, video) or has_right(Role(int(author.role)), Right.MANAGE_ANY_VIDEO_COMMENT)):
        return False
    if int(video.comments_policy or 1) == POLICY_REQUIRES_APPROVAL:
        return True
    return bool(video.is_local) and not set(owner_tags).isdisjoint(review)


def by_video_author(account_id: int | None, video: Video) -> bool:
    """Whether a comment counts in its thread's `totalRepliesFromVideoAuthor`: written by the
    video's own account, local or remote (PeerTube counts by account)."""
    return account_id is not None and int(account_id) == int(video.account_id)


# Use cases


THREAD_ACCEPT_HOOK = "filter:api.video-thread.create.accept.result"
REPLY_ACCEPT_HOOK = "filter:api.video-comment-reply.create.accept.result"
REMOTE_ACCEPT_HOOK = "filter:activity-pub.remote-video-comment.create.accept.result"


def post(
    video: Video, author: User, text: str, in_reply_to: int | None, settings: Settings, now: datetime
) -> CommentNode:
    """A new thread (`in_reply_to` None) or a reply; the comment as created."""
    hook = THREAD_ACCEPT_HOOK if in_reply_to is None else REPLY_ACCEPT_HOOK
    allowed, message = plugins.accepted(
        hook, key="accepted", comment_body={"text": text}, parent_comment_id=in_reply_to, user=author, video=video
    )
    if not allowed:
        raise ForbiddenError(message or "Comment has been rejected.")
    tags, review = automatic_tags.comment_tags(video, text, settings.instance_host)
    comment, parent_place = _new_comment(
        video,
        int(author.account_id),
        text,
        in_reply_to,
        url_of=lambda comment_id: f"{settings.instance_url}/videos/watch/{video.uuid}/comments/{comment_id}",
        held=should_hold(video, author, tags.owner, review),
        now=now,
    )
    entry = moderation.log_entry(comment, video, is_local=True, server_tags=tags.server, owner_tags=tags.owner)
    if not comments.add_comment(
        comment, video, by_video_author=by_video_author(int(author.account_id), video), entry=entry
    ):
        raise NotFoundError("Video not found")
    events.emit(events.CommentPosted(video, comment, parent_place))
    return CommentNode(comment)


def add_remote(
    video: Video, account_id: int, text: str, url: str, in_reply_to: int | None, settings: Settings, now: datetime
) -> bool:
    """A remote account's comment (a Note its server sent, at `url`), made as `post` makes a
    local one: the same refusals, ids, thread, hold rule and counters. Its event is
    RemoteCommentStored (for notifications), not CommentPosted: its own server federates it.
    False if it was stored already (its URL is claimed), the video is gone, or a plugin
    refused it (PeerTube's remote comment accept filter)."""
    allowed, _ = plugins.accepted(
        REMOTE_ACCEPT_HOOK, key="accepted", comment={"text": text, "url": url, "inReplyTo": in_reply_to}, video=video
    )
    if not allowed:
        logger.info("remote comment refused by a plugin", extra={"url": url})
        return False
    tags, review = automatic_tags.comment_tags(video, text, settings.instance_host)
    held = should_hold(video, None, tags.owner, review)
    comment, _ = _new_comment(video, account_id, text, in_reply_to, url_of=lambda _: url, held=held, now=now)
    entry = moderation.log_entry(comment, video, is_local=False, server_tags=tags.server, owner_tags=tags.owner)
    added = comments.add_comment(
        comment, video, by_video_author=by_video_author(account_id, video), remote=True, entry=entry
    )
    if added:
        events.emit(events.RemoteCommentStored(video, comment))
    return added


# Sorting by replies needs the roots in hand: at most this many (the newest) are sorted (L10).
MAX_SORTED_THREADS = 2000


def list_threads(video: Video, viewer: User | None, *, start: int, count: int, sort: str) -> ThreadPage:
    """A page of thread roots with PeerTube's totals. PeerTube drops the LIMIT for `count` 0
    and so answers every thread; that read had no bound here (L10), so `count` 0 is a page of
    the most a page may hold (MAX_COUNT), and the total tells the client there is more. The
    caller bounds `start + count` (api.request.check_read_window)."""
    if int(video.comments_policy or 1) == POLICY_DISABLED:
        return ThreadPage(0, 0, [])
    count = count or MAX_COUNT
    sees_all = sees_all_comments(video, viewer)
    visible: Condition | None = None
    if not sees_all:
        visible = VideoComment.held_for_review == False  # noqa: E712 (a DynamoDB condition)
        if viewer is not None:
            visible = visible | (VideoComment.account_id == int(viewer.account_id))
    muted = muting.for_viewer(viewer)
    if muted:
        visible = _unmuted(muted) if visible is None else visible & _unmuted(muted)
    by_replies = sort.removeprefix("-") == "totalReplies"
    roots = comments.list_threads(
        int(video.id),
        visible=visible,
        newest_first=by_replies or sort.startswith("-"),
        limit=MAX_SORTED_THREADS if by_replies else start + count,
    )
    if by_replies:
        sign = -1 if sort.startswith("-") else 1
        roots.sort(key=lambda root: (sign * int(root.replies or 0), int(root.id)))
    roots = roots[start : start + count]
    total, not_deleted = _totals(video, viewer, sees_all)
    nodes = [CommentNode(root, int(root.replies or 0), int(root.replies_from_video_author or 0)) for root in roots]
    return ThreadPage(total, not_deleted, nodes)


def thread_tree(
    video: Video, viewer: User | None, thread_id: int, by_uuid: bool, password: str | None = None
) -> CommentNode:
    """A thread's visible comments as a tree (PeerTube's buildFormattedCommentTree)."""
    place = _locate_on(video, thread_id)
    if place.thread_id != thread_id:
        raise BadRequestError("Video comment is not a thread.")
    video_cases.check_can_see(video, viewer, by_uuid=by_uuid, password=password)
    if int(video.comments_policy or 1) == POLICY_DISABLED:
        raise NotFoundError("No comments were found")
    rows = comments.read_thread(int(video.id), thread_id)
    sees_all = sees_all_comments(video, viewer)
    muted = muting.for_viewer(viewer)
    shown = [row for row in rows if is_visible(row, video, viewer, sees_all) and not _is_muted(row, muted)]
    if not shown:
        raise NotFoundError("No comments were found")
    # The first visible comment is the root (the thread's own root unless it is hidden);
    # a reply whose parent is hidden is left out with everything under it.
    nodes = {int(shown[0].id): _counted(shown[0], rows, video)}
    for row in shown[1:]:
        parent = nodes.get(int(row.in_reply_to_id)) if row.in_reply_to_id is not None else None
        if parent is None:
            continue
        node = _counted(row, rows, video)
        parent.children.append(node)
        nodes[int(row.id)] = node
    return nodes[int(shown[0].id)]


def delete(video: Video, user: User, comment_id: int, now: datetime) -> None:
    """PeerTube's soft delete: the comment is blanked and stays in its thread."""
    place = _locate_on(video, comment_id)
    comment = comments.get_comment(place, comment_id)
    if comment is None:
        raise NotFoundError(THREAD_NOT_FOUND)
    if comment.deleted_at is not None:
        raise ConflictError("This comment is already deleted")
    author = comment.account_id is not None and int(comment.account_id) == int(user.account_id)
    if not (author or has_right(Role(int(user.role)), Right.MANAGE_ANY_VIDEO_COMMENT) or owns(user, video)):
        raise ForbiddenError("User does not have the permission to delete this comment")
    if not comments.mark_deleted(comment, video, by_video_author=by_video_author(comment.account_id, video), now=now):
        raise ConflictError("This comment is already deleted")
    # The item in hand is the comment as it was (the transaction does not change it): its URL
    # and author, which the Delete names.
    events.emit(events.CommentDeleted(video, comment))


def approve(video: Video, user: User, comment_id: int, now: datetime) -> None:
    """PeerTube's approveComment: a held comment shown to all, then federated (a local one)
    and told to those it mentions. Only the video's owner and those who manage any comment
    may; PeerTube also lets the comment's own author through this check, which would let a
    held author approve themselves: not here."""
    place = _locate_on(video, comment_id)
    comment = comments.get_comment(place, comment_id)
    if comment is None:
        raise NotFoundError(THREAD_NOT_FOUND)
    if comment.deleted_at is not None:
        raise ConflictError("This comment is deleted")
    if not comment.held_for_review:
        raise BadRequestError("This comment is not held for review")
    if not (has_right(Role(int(user.role)), Right.MANAGE_ANY_VIDEO_COMMENT) or owns(user, video)):
        raise ForbiddenError("Cannot remove video comment of another user")  # PeerTube's message
    if not comments.approve(comment, video, now=now):
        raise BadRequestError("This comment is not held for review")
    comment.held_for_review = False
    events.emit(events.CommentApproved(video, comment, place))


def _is_muted(comment: VideoComment, muted: muting.Muted) -> bool:
    """By a blocked account, or from a blocked server: a comment's URL is on its author's
    host (the inbox checks it), so no actor needs reading."""
    if comment.account_id is not None and int(comment.account_id) in muted.account_ids:
        return True
    return bool(muted.hosts) and urlsplit(str(comment.url)).netloc.lower() in muted.hosts


def _unmuted(muted: muting.Muted) -> Condition:
    """The DynamoDB filter that leaves out what `_is_muted` finds (PeerTube hides comments of
    accounts and servers blocked by the instance or by the viewer)."""
    parts: list[Condition] = []
    if muted.account_ids:
        parts.append(~VideoComment.account_id.is_in(*sorted(muted.account_ids)))
    for host in sorted(muted.hosts):
        parts += [~VideoComment.url.startswith(f"https://{host}/"), ~VideoComment.url.startswith(f"http://{host}/")]
    condition = parts[0]  # `muted` is not empty
    for part in parts[1:]:
        condition &= part
    return condition


def _new_comment(
    video: Video,
    account_id: int,
    text: str,
    in_reply_to: int | None,
    *,
    url_of: Callable[[int], str],
    held: bool,
    now: datetime,
) -> tuple[VideoComment, comments.CommentPlace | None]:
    """A comment not yet stored, with a fresh id, in its thread (its own, for a new one), and
    the place of the comment it answers; refused as PeerTube refuses it."""
    if int(video.comments_policy or 1) == POLICY_DISABLED:
        raise ConflictError("Video comments are disabled for this video.")
    parent_place = _locate_on(video, in_reply_to) if in_reply_to is not None else None
    comment_id = counters.next_id("comment")
    comment = comments.new_comment(
        video,
        comment_id=comment_id,
        thread_id=parent_place.thread_id if parent_place is not None else comment_id,
        in_reply_to_id=in_reply_to,
        account_id=account_id,
        text=text,
        url=url_of(comment_id),
        held=held,
        now=now,
    )
    return comment, parent_place


def _locate_on(video: Video, comment_id: int) -> comments.CommentPlace:
    place = comments.locate(comment_id)
    if place is None:
        raise NotFoundError(THREAD_NOT_FOUND)
    if place.video_id != int(video.id):
        raise BadRequestError(NOT_ASSOCIATED, code="comment_not_associated_to_video")
    return place


def _totals(video: Video, viewer: User | None, sees_all: bool) -> tuple[int, int]:
    """`total` (thread roots, deleted ones included) and `totalNotDeletedComments` (roots and
    replies) as this viewer may see them, from the video's counters."""
    threads, not_deleted = int(video.comment_threads or 0), int(video.comments_count or 0)
    if sees_all:
        return threads + int(video.held_comment_threads or 0), not_deleted + int(video.held_comments or 0)
    if viewer is None or not int(video.held_comments or 0):
        return threads, not_deleted
    own = comments.list_held_by(int(video.id), int(viewer.account_id))
    return threads + sum(1 for c in own if c.in_reply_to_id is None), not_deleted + len(own)


def _counted(comment: VideoComment, thread: list[VideoComment], video: Video) -> CommentNode:
    """PeerTube's reply counters: not-deleted comments replying to this one, or (for a root)
    anywhere in its thread, held ones included; and those by the video's owner account."""
    comment_id = int(comment.id)
    replies = [
        row
        for row in thread
        if row.deleted_at is None
        and row.in_reply_to_id is not None
        and (int(row.in_reply_to_id) == comment_id or int(row.thread_id) == comment_id)
    ]
    by_author = [row for row in replies if row.account_id is not None and int(row.account_id) == int(video.account_id)]
    return CommentNode(comment, len(replies), len(by_author))
