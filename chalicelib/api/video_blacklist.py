"""Video blocks (PeerTube's video blacklist): `POST`/`PUT`/`DELETE
/api/v1/videos/{id}/blacklist` and the moderators' list `GET /api/v1/videos/blacklist`.
The rules are domain/video_blacklist.py's."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, pagination
from chalicelib.api.responses import no_content
from chalicelib.api.shapes import iso
from chalicelib.api.video_shapes import video_json
from chalicelib.config import get_settings
from chalicelib.domain import video_blacklist
from chalicelib.domain.oauth import utcnow
from chalicelib.domain.videos import find_video, parse_reference
from chalicelib.errors import ValidationError
from chalicelib.store import catalog

if TYPE_CHECKING:
    from chalice.app import Response

    from chalicelib.store.models import Video

video_blacklist_api = ApiBlueprint(__name__)


@video_blacklist_api.route("/api/v1/videos/blacklist", methods=["GET"])
def list_blocks() -> dict[str, Any]:
    request = video_blacklist_api.current_request
    video_blacklist.check_can_manage(session(request).user)
    page = pagination(request, video_blacklist.SORTS, "-id")
    query = dict(request.query_params or {})
    kind = query.get("type")
    if kind is not None and kind not in ("1", "2"):
        raise ValidationError({"type": "Should have a valid video blacklist type attribute"}, location="query")
    found = video_blacklist.listing(int(kind) if kind else None, query.get("search") or None, page.sort)
    shown = found[page.start : page.start + page.count]
    actors = catalog.current().actors
    return {"total": len(found), "data": [_block_json(video, actors) for video in shown]}


@video_blacklist_api.route("/api/v1/videos/{video_id}/blacklist", methods=["POST"])
def block(video_id: str) -> Response:
    request = video_blacklist_api.current_request
    user = session(request).user
    parse_reference(video_id, "videoId")
    wanted = video_blacklist.read_block(json_object(request))
    video_blacklist.block(find_video(video_id, "videoId"), user, wanted, utcnow())
    return no_content()


@video_blacklist_api.route("/api/v1/videos/{video_id}/blacklist", methods=["PUT"])
def change_reason(video_id: str) -> Response:
    request = video_blacklist_api.current_request
    user = session(request).user
    parse_reference(video_id, "videoId")
    wanted = video_blacklist.read_block(json_object(request))
    video_blacklist.change_reason(find_video(video_id, "videoId"), user, wanted.reason, utcnow())
    return no_content()


@video_blacklist_api.route("/api/v1/videos/{video_id}/blacklist", methods=["DELETE"])
def unblock(video_id: str) -> Response:
    user = session(video_blacklist_api.current_request).user
    parse_reference(video_id, "videoId")
    video_blacklist.unblock(find_video(video_id, "videoId"), user)
    return no_content()


def _block_json(video: Video, actors: dict[int, Any]) -> dict[str, Any]:
    account, channel = actors.get(int(video.account_id)), actors.get(int(video.channel_id))
    shown = (
        video_json(video, account, channel, get_settings(), with_state=True, with_moderation=True)
        if account is not None and channel is not None
        else None
    )
    block = video.blacklist or {}
    return {
        "id": int(block.get("id") or 0),
        "videoId": int(video.id),
        "createdAt": _iso(block.get("createdAt")),
        "updatedAt": _iso(block.get("updatedAt") or block.get("createdAt")),
        "unfederated": bool(block.get("unfederated")),
        "reason": block.get("reason"),
        "type": int(block.get("type") or video_blacklist.TYPE_MANUAL),
        "video": shown,
    }


def _iso(stamp: Any) -> str | None:
    return iso(datetime.fromisoformat(str(stamp))) if stamp else None
