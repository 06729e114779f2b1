"""Instance redundancy: which followed instances may be mirrored here
(/api/v1/server/redundancy/{host}), and the mirrors themselves
(/api/v1/server/redundancy/videos): ours of remote videos, and other servers' of ours."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub import mirror_schedule
from chalicelib.api.auth import require_right, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, pagination, query_param
from chalicelib.api.responses import no_content
from chalicelib.api.shapes import iso
from chalicelib.domain import instance_follows, redundancy
from chalicelib.domain.oauth import utcnow
from chalicelib.domain.roles import Right
from chalicelib.errors import BadRequestError, ConflictError, NotFoundError, ValidationError
from chalicelib.store import actors, queues, redundancies, videos

if TYPE_CHECKING:
    from chalice.app import Response

    from chalicelib.store.models import Video, VideoRedundancy

redundancy_api = ApiBlueprint(__name__)
TARGETS = {"my-videos": False, "remote-videos": True}
MAX_LISTED = 1000  # mirrors are bounded by the strategies' budgets, and few instances mirror ours


@redundancy_api.route("/api/v1/server/redundancy/{host}", methods=["PUT"])
def allow_host(host: str) -> Response:
    request = redundancy_api.current_request
    require_right(session(request), Right.MANAGE_SERVER_REDUNDANCY, "/api/v1/server/redundancy")
    allowed = json_object(request).get("redundancyAllowed")
    if not isinstance(allowed, bool):
        raise ValidationError({"redundancyAllowed": "Should have a valid redundancyAllowed boolean"})
    instance_follows.allow_redundancy(instance_follows.server_actor(), host, allowed, utcnow())
    return no_content()


@redundancy_api.route("/api/v1/server/redundancy/videos", methods=["GET"])
def list_mirrors() -> dict[str, Any]:
    request = redundancy_api.current_request
    require_right(session(request), Right.MANAGE_VIDEOS_REDUNDANCIES, "/api/v1/server/redundancy/videos")
    page = pagination(request, ("name",), "name")
    target, strategy = query_param(request, "target"), query_param(request, "strategy")
    if target not in TARGETS:
        raise ValidationError({"target": "Should have a valid video redundancies target"}, location="query")
    if strategy is not None and not redundancy.is_strategy(strategy):
        raise ValidationError({"strategy": "Should have a valid redundancy strategy"}, location="query")
    items = [
        item
        for item in redundancies.listed(TARGETS[target], MAX_LISTED)
        if strategy is None or item.strategy == strategy
    ]
    found = videos.get_videos(sorted({int(item.video_id) for item in items})) if items else {}
    grouped: dict[int, list[VideoRedundancy]] = {}
    for item in items:
        if int(item.video_id) in found:
            grouped.setdefault(int(item.video_id), []).append(item)
    ordered = sorted(grouped, key=lambda video_id: (str(found[video_id].name).lower(), video_id))
    if page.sort.startswith("-"):
        ordered.reverse()
    return {
        "total": len(ordered),
        "data": [_video_json(found[i], grouped[i]) for i in ordered[page.start : page.start + page.count]],
    }


@redundancy_api.route("/api/v1/server/redundancy/videos", methods=["POST"])
def mirror_video() -> Response:
    request = redundancy_api.current_request
    require_right(session(request), Right.MANAGE_VIDEOS_REDUNDANCIES, "/api/v1/server/redundancy/videos")
    video_id = json_object(request).get("videoId")
    if not isinstance(video_id, int) or isinstance(video_id, bool) or video_id <= 0:
        raise ValidationError({"videoId": "Should have a valid video id"})
    video = videos.get_video(video_id)
    if video is None:
        raise NotFoundError("Video not found")
    if video.is_local:
        raise BadRequestError("Cannot create a redundancy on a local video")
    if redundancies.get(video_id, actors.server_actor_id()) is not None:
        raise ConflictError("This video is already duplicated by your instance.")
    queues.send_work([{"task": mirror_schedule.TASK, "video": video_id}])
    return no_content()


@redundancy_api.route("/api/v1/server/redundancy/videos/{redundancy_id}", methods=["DELETE"])
def remove_mirror(redundancy_id: str) -> Response:
    request = redundancy_api.current_request
    require_right(session(request), Right.MANAGE_VIDEOS_REDUNDANCIES, "/api/v1/server/redundancy/videos")
    found = redundancies.by_id(int(redundancy_id)) if redundancy_id.isdigit() and len(redundancy_id) < 13 else None
    if found is None or int(found.actor_id) != actors.server_actor_id():
        raise NotFoundError("Video redundancy not found")
    # The work function deletes the copy's files and sends the Undo (the API may not write
    # under the redundancy prefix).
    queues.send_work([{"task": mirror_schedule.DROP_TASK, "redundancy": int(found.id)}])
    return no_content()


def _video_json(video: Video, items: list[VideoRedundancy]) -> dict[str, Any]:
    return {
        "id": int(video.id),
        "name": video.name,
        "url": video.url,
        "uuid": video.uuid,
        "redundancies": {
            "files": [],
            "streamingPlaylists": [
                {
                    "id": int(item.id),
                    "fileUrl": item.file_url,
                    "strategy": item.strategy,
                    "size": int(item.size or 0),
                    "createdAt": iso(item.created_at),
                    "updatedAt": iso(item.updated_at),
                    "expiresOn": iso(item.expires_at) if item.expires_at else None,
                }
                for item in sorted(items, key=lambda i: int(i.id))
            ],
        },
    }
