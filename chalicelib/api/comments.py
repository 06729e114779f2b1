"""Video comments: a video's threads, one thread as a tree, new threads and replies, deletion."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from chalice.app import Response

from chalicelib.api.auth import optional_session, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import check_read_window, json_object, pagination
from chalicelib.api.shapes import account_json, iso
from chalicelib.api.video_passwords import password_header
from chalicelib.config import get_settings
from chalicelib.domain import comments as comment_cases
from chalicelib.domain import rate_limits
from chalicelib.domain import videos as video_cases
from chalicelib.domain.oauth import utcnow
from chalicelib.store import actors

if TYPE_CHECKING:
    from collections.abc import Iterable

    from chalicelib.config import Settings
    from chalicelib.domain.comments import CommentNode
    from chalicelib.store.models import Actor

comments_api = ApiBlueprint(__name__)


@comments_api.route("/api/v1/videos/{video_id}/comment-threads", methods=["GET"])
def list_threads(video_id: str) -> dict[str, Any]:
    request = comments_api.current_request
    page = pagination(request, comment_cases.SORTS, comment_cases.DEFAULT_SORT)
    check_read_window(page)
    comment_cases.read_request(video_id, None, {})
    viewer = optional_session(request)
    user = viewer.user if viewer else None
    video = video_cases.find_video(video_id, field="videoId")
    video_cases.check_can_see(video, user, by_uuid=not video_id.isdigit(), password=password_header(request))
    found = comment_cases.list_threads(video, user, start=page.start, count=page.count, sort=page.sort)
    settings = get_settings()
    people = _accounts(found.threads)
    return {
        "total": found.total,
        "data": [comment_json(node, people, settings) for node in found.threads],
        "totalNotDeletedComments": found.total_not_deleted,
    }


@comments_api.route("/api/v1/videos/{video_id}/comment-threads/{thread_id}", methods=["GET"])
def get_thread(video_id: str, thread_id: str) -> dict[str, Any]:
    request = comments_api.current_request
    comment_cases.read_request(video_id, None, {"threadId": thread_id})
    viewer = optional_session(request)
    video = video_cases.find_video(video_id, field="videoId")
    tree = comment_cases.thread_tree(
        video,
        viewer.user if viewer else None,
        int(thread_id),
        by_uuid=not video_id.isdigit(),
        password=password_header(request),
    )
    return tree_json(tree, _accounts([tree]), get_settings())


@comments_api.route("/api/v1/videos/{video_id}/comment-threads", methods=["POST"])
def post_thread(video_id: str) -> dict[str, Any]:
    return _post(video_id, None)


@comments_api.route("/api/v1/videos/{video_id}/comments/{comment_id}", methods=["POST"])
def post_reply(video_id: str, comment_id: str) -> dict[str, Any]:
    return _post(video_id, comment_id)


@comments_api.route("/api/v1/videos/{video_id}/comments/{comment_id}", methods=["DELETE"])
def delete_comment(video_id: str, comment_id: str) -> Response:
    user = session(comments_api.current_request).user
    comment_cases.read_request(video_id, None, {"commentId": comment_id})
    video = video_cases.find_video(video_id, field="videoId")
    comment_cases.delete(video, user, int(comment_id), utcnow())
    # PeerTube's sendStatus(204): no body and, unlike its other deletes, no Content-Type.
    return Response(body="", status_code=204)


@comments_api.route("/api/v1/videos/{video_id}/comments/{comment_id}/approve", methods=["POST"])
def approve_comment(video_id: str, comment_id: str) -> Response:
    user = session(comments_api.current_request).user
    comment_cases.read_request(video_id, None, {"commentId": comment_id})
    video = video_cases.find_video(video_id, field="videoId")
    comment_cases.approve(video, user, int(comment_id), utcnow())
    return Response(body="", status_code=204)


def _post(video_id: str, reply_to: str | None) -> dict[str, Any]:
    request = comments_api.current_request
    user = session(request).user
    body = json_object(request)
    comment_cases.read_request(video_id, body, {"commentId": reply_to} if reply_to is not None else {})
    video = video_cases.find_video(video_id, field="videoId")
    video_cases.check_can_see(video, user, by_uuid=not video_id.isdigit(), password=password_header(request))
    # Counted once the request is known to be a comment that may be posted: refused input
    # costs no write, and a typo does not use up a minute's comments.
    rate_limits.count_user_action(rate_limits.COMMENT, user, time.time())
    settings = get_settings()
    in_reply_to = int(reply_to) if reply_to is not None else None
    node = comment_cases.post(video, user, body["text"], in_reply_to, settings, utcnow())
    return {"comment": comment_json(node, _accounts([node]), settings)}


def comment_json(node: CommentNode, people: dict[int, Actor], settings: Settings) -> dict[str, Any]:
    """PeerTube's VideoComment, key order included; a deleted one is a blank tombstone."""
    comment = node.comment
    account = people.get(int(comment.account_id)) if comment.account_id is not None else None
    return {
        "id": int(comment.id),
        "url": comment.url,
        "text": comment.text or "",
        "threadId": int(comment.thread_id),
        "inReplyToCommentId": int(comment.in_reply_to_id) if comment.in_reply_to_id is not None else None,
        "videoId": int(comment.video_id),
        "createdAt": iso(comment.created_at),
        "updatedAt": iso(comment.updated_at),
        "deletedAt": iso(comment.deleted_at),
        "heldForReview": bool(comment.held_for_review),
        "isDeleted": comment.deleted_at is not None,
        "totalRepliesFromVideoAuthor": node.total_replies_from_video_author,
        "totalReplies": node.total_replies,
        "account": account_json(account, settings) if account is not None else None,
    }


def tree_json(node: CommentNode, people: dict[int, Actor], settings: Settings) -> dict[str, Any]:
    """PeerTube's VideoCommentThreadTree: {comment, children: [tree...]}."""
    return {
        "comment": comment_json(node, people, settings),
        "children": [tree_json(child, people, settings) for child in node.children],
    }


def _accounts(nodes: Iterable[CommentNode]) -> dict[int, Actor]:
    """The authors of every comment in these trees: one BatchGetItem (none if all deleted)."""
    ids: set[int] = set()
    pending = list(nodes)
    while pending:
        node = pending.pop()
        if node.comment.account_id is not None:
            ids.add(int(node.comment.account_id))
        pending.extend(node.children)
    return actors.get_actors(ids) if ids else {}
