"""An administrator's deletion of a video's HLS files or web videos (PeerTube's
`DELETE /api/v1/videos/{id}/hls[/{videoFileId}]` and `/web-videos[/{videoFileId}]`, right
MANAGE_VIDEO_FILES; the rules are domain/file_deletions.py's). Each answers 204."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from chalice.app import Response

from chalicelib.api.auth import require_right, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.domain import file_deletions, file_metadata
from chalicelib.domain import videos as video_cases
from chalicelib.domain.roles import Right

if TYPE_CHECKING:
    from chalicelib.store.models import Video

video_file_management_api = ApiBlueprint(__name__)


@video_file_management_api.route("/api/v1/videos/{video_id}/hls", methods=["DELETE"])
def delete_hls(video_id: str) -> Response:
    return _delete(video_id, None, lambda video, _: file_deletions.delete_hls(video), "hls")


@video_file_management_api.route("/api/v1/videos/{video_id}/hls/{video_file_id}", methods=["DELETE"])
def delete_hls_file(video_id: str, video_file_id: str) -> Response:
    return _delete(video_id, video_file_id, file_deletions.delete_hls_file, "hls")


@video_file_management_api.route("/api/v1/videos/{video_id}/web-videos", methods=["DELETE"])
def delete_web_videos(video_id: str) -> Response:
    return _delete(video_id, None, lambda video, _: file_deletions.delete_web_videos(video), "web-videos")


@video_file_management_api.route("/api/v1/videos/{video_id}/web-videos/{video_file_id}", methods=["DELETE"])
def delete_web_video(video_id: str, video_file_id: str) -> Response:
    return _delete(video_id, video_file_id, file_deletions.delete_web_video, "web-videos")


def _delete(video_id: str, video_file_id: str | None, action: Callable[[Video, int], None], kind: str) -> Response:
    """PeerTube's order: authenticated, the right, the parameters, the video, its rules."""
    current = session(video_file_management_api.current_request)
    require_right(current, Right.MANAGE_VIDEO_FILES, f"/api/v1/videos/{video_id}/{kind}")
    file_id = file_metadata.parse_file_id(video_file_id) if video_file_id is not None else 0
    action(video_cases.find_video(video_id), file_id)
    return Response("", status_code=204)
