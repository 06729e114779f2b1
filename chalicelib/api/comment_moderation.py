"""The moderation lists of comments: `GET /api/v1/videos/comments` (SEE_ALL_COMMENTS) and
`GET /api/v1/users/me/videos/comments` (the comments on the caller's videos), in PeerTube's
VideoCommentForOwnerOrAdmin shape."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import require_right, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import pagination
from chalicelib.api.shapes import account_json, iso
from chalicelib.api.video_filters import QueryParams
from chalicelib.config import get_settings
from chalicelib.domain import comment_moderation
from chalicelib.domain.roles import Right
from chalicelib.store import videos

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.domain.comment_moderation import Row
    from chalicelib.store.models import User

comment_moderation_api = ApiBlueprint(__name__)
ALL_COMMENTS = "/api/v1/videos/comments"


@comment_moderation_api.route(ALL_COMMENTS, methods=["GET"])
def list_all_comments() -> dict[str, Any]:
    request = comment_moderation_api.current_request
    current = session(request)
    require_right(current, Right.SEE_ALL_COMMENTS, ALL_COMMENTS)
    page = pagination(request, comment_moderation.SORTS, comment_moderation.DEFAULT_SORT)
    params = QueryParams(request)
    filters = _filters(params, None, is_local=params.boolean("isLocal"), on_local_video=params.boolean("onLocalVideo"))
    found = comment_moderation.list_comments(
        filters, owner_account_id=None, start=page.start, count=page.count, oldest_first=page.sort == "createdAt"
    )
    return _page_json(found)


@comment_moderation_api.route("/api/v1/users/me/videos/comments", methods=["GET"])
def list_comments_on_my_videos() -> dict[str, Any]:
    request = comment_moderation_api.current_request
    user = session(request).user
    page = pagination(request, comment_moderation.SORTS, comment_moderation.DEFAULT_SORT)
    params = QueryParams(request)
    filters = _filters(params, user, held_for_review=params.boolean("isHeldForReview"))
    found = comment_moderation.list_comments(
        filters,
        owner_account_id=int(user.account_id),
        start=page.start,
        count=page.count,
        oldest_first=page.sort == "createdAt",
    )
    return _page_json(found)


def _filters(params: QueryParams, owner: User | None, **flags: bool | None) -> comment_moderation.Filters:
    """The filters both lists take (PeerTube's getCommonVideoCommentsValidators), and theirs;
    `owner`: the caller of the owner's list, who must manage the video or channel named."""
    tags = params.values("autoTagOneOf")
    params.raise_if_invalid()
    video_id, channel_id = comment_moderation.scope(params.one("videoId"), params.one("videoChannelId"), owner)
    return comment_moderation.Filters(
        search=params.one("search"),
        search_account=params.one("searchAccount"),
        search_video=params.one("searchVideo"),
        auto_tag_one_of=frozenset(tags) if tags is not None else None,
        video_id=video_id,
        channel_id=channel_id,
        **flags,
    )


def _page_json(found: comment_moderation.Page) -> dict[str, Any]:
    settings = get_settings()
    return {"total": found.total, "data": [_row_json(row, settings) for row in found.rows]}


def _row_json(row: Row, settings: Settings) -> dict[str, Any]:
    """PeerTube's toFormattedForAdminOrUserJSON."""
    entry = row.entry
    video = row.video or videos.get_video(int(entry.video_id))  # one not in the catalogue: rare
    return {
        "id": int(entry.comment_id),
        "url": entry.url,
        "text": entry.text or "",
        "threadId": int(entry.thread_id),
        "inReplyToCommentId": int(entry.in_reply_to_id) if entry.in_reply_to_id is not None else None,
        "videoId": int(entry.video_id),
        "createdAt": iso(entry.created_at),
        "updatedAt": iso(entry.updated_at),
        "heldForReview": bool(entry.held_for_review),
        "automaticTags": row.tags,
        "video": {
            "id": int(entry.video_id),
            "uuid": str(video.uuid) if video is not None else None,
            "name": str(video.name) if video is not None else None,
        },
        "account": account_json(row.author, settings) if row.author is not None else None,
    }
