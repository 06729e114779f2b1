"""Video imports by URL (PeerTube's Video Imports): start one, list one's own, cancel, retry,
delete. The download runs in the work queue (domain/video_imports.py); see docs/imports.md."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from chalice.app import Response

from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, media_type, multipart_form
from chalicelib.api.shapes import iso
from chalicelib.api.video_shapes import video_json
from chalicelib.config import get_settings
from chalicelib.domain import oauth, rate_limits, video_imports
from chalicelib.store import actors, videos

if TYPE_CHECKING:
    from chalice.app import Request

    from chalicelib.store.models import Video, VideoImport

video_imports_api = ApiBlueprint(__name__)


@video_imports_api.route(
    "/api/v1/videos/imports", methods=["POST"], content_types=["application/json", "multipart/form-data"]
)
def create_import() -> dict[str, Any]:
    request = video_imports_api.current_request
    user = session(request).user
    rate_limits.count_user_action(rate_limits.UPLOAD, user, time.time())
    item = video_imports.create(get_settings(), user, _fields(request), oauth.utcnow())
    video = videos.get_video(int(item.video_id)) if item.video_id is not None else None
    return _import_json(item, {int(video.id): video} if video is not None else {})


@video_imports_api.route("/api/v1/users/me/videos/imports", methods=["GET"])
def list_my_imports() -> dict[str, Any]:
    request = video_imports_api.current_request
    user = session(request).user
    query: dict[str, str] = dict(request.query_params or {})
    total, page, by_id = video_imports.list_mine(user, query)
    return {"total": total, "data": [_import_json(item, by_id) for item in page]}


@video_imports_api.route("/api/v1/videos/imports/{import_id}/cancel", methods=["POST"])
def cancel_import(import_id: str) -> Response:
    user = session(video_imports_api.current_request).user
    video_imports.cancel(user, import_id, oauth.utcnow())
    return Response(body="", status_code=204)


@video_imports_api.route("/api/v1/videos/imports/{import_id}/retry", methods=["POST"])
def retry_import(import_id: str) -> Response:
    user = session(video_imports_api.current_request).user
    video_imports.retry(user, import_id, oauth.utcnow())
    return Response(body="", status_code=204)


@video_imports_api.route("/api/v1/videos/imports/{import_id}", methods=["DELETE"])
def delete_import(import_id: str) -> Response:
    user = session(video_imports_api.current_request).user
    video_imports.delete(user, import_id)
    return Response(body="", status_code=204)


def _fields(request: Request) -> dict[str, Any]:
    if media_type(request) == "multipart/form-data":
        fields, files = multipart_form(request)
        if "torrentfile" in files:
            fields = {**fields, "torrentfile": files["torrentfile"].data}
        return fields
    return json_object(request)


def _import_json(item: VideoImport, by_id: dict[int, Video]) -> dict[str, Any]:
    """PeerTube's VideoImport, with its video in the list form (state included)."""
    video = by_id.get(int(item.video_id)) if item.video_id is not None else None
    return {
        "id": int(item.id),
        "targetUrl": item.target_url,
        "magnetUri": item.magnet_uri,
        "torrentName": item.torrent_name,
        "state": video_imports.state_json(item),
        "error": item.error,
        "createdAt": iso(item.created_at),
        "updatedAt": iso(item.updated_at),
        "video": _video(video) if video is not None else None,
        "videoChannelSync": _sync(item),
    }


def _sync(item: VideoImport) -> dict[str, Any] | None:
    """PeerTube's `videoChannelSync` of an import a synchronisation made (null once deleted)."""
    if item.channel_sync_id is None:
        return None
    from chalicelib.api.channel_syncs import sync_json
    from chalicelib.store import channel_syncs

    sync = channel_syncs.get_sync(int(item.channel_sync_id))
    channel = actors.get_actor(int(sync.channel_id)) if sync is not None else None
    return sync_json(sync, channel) if sync is not None and channel is not None else None


def _video(video: Video) -> dict[str, Any]:
    found = actors.get_actors({int(video.account_id), int(video.channel_id)})
    account, channel = found.get(int(video.account_id)), found.get(int(video.channel_id))
    if account is None or channel is None:
        return {"id": int(video.id), "uuid": video.uuid, "name": video.name}
    return video_json(video, account, channel, get_settings(), with_state=True)
