"""A video's source (PeerTube's VideoSource): `GET /api/v1/videos/{id}/source`, the kept
original's download `/download/original-video-files/{name}` and `DELETE
/api/v1/videos/{id}/source/file` (domain/video_sources.py)."""

from __future__ import annotations

from typing import Any

from chalice.app import Response

from chalicelib.api.auth import optional_session, require_right, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.shapes import iso
from chalicelib.api.video_files import redirect
from chalicelib.api.video_shapes import resolution_label
from chalicelib.config import get_settings
from chalicelib.domain import video_sources
from chalicelib.domain import videos as video_cases
from chalicelib.domain.roles import Right
from chalicelib.errors import NotFoundError

video_sources_api = ApiBlueprint(__name__)

ORIGINAL_DOWNLOAD_PATH = "download/original-video-files/"


@video_sources_api.route("/api/v1/videos/{video_id}/source", methods=["GET"])
def get_source(video_id: str) -> dict[str, Any]:
    user = session(video_sources_api.current_request).user
    settings = get_settings()
    source = video_sources.latest(video_cases.find_video(video_id), user, settings)
    resolution = source.resolution
    download = f"{settings.instance_url}/{ORIGINAL_DOWNLOAD_PATH}{source.kept_name}" if source.kept_name else None
    return {
        "inputFilename": source.input_filename,
        "fileUrl": download,
        "fileDownloadUrl": download,
        "resolution": {
            "id": resolution,
            "label": resolution_label(resolution, source.width or 0, source.height or 0)
            if resolution is not None
            else None,
        },
        "size": source.size,
        "width": source.width,
        "height": source.height,
        "fps": source.fps,
        "createdAt": iso(source.created_at),
    }


@video_sources_api.route("/api/v1/videos/{video_id}/source/file", methods=["DELETE"])
def delete_source_file(video_id: str) -> Response:
    current = session(video_sources_api.current_request)
    require_right(current, Right.MANAGE_VIDEO_FILES, f"/api/v1/videos/{video_id}/source/file")
    video_sources.delete_original(video_cases.find_video(video_id), current.user)
    return Response("", status_code=204)


@video_sources_api.route(f"/{ORIGINAL_DOWNLOAD_PATH}{{name}}", methods=["GET"])
def download_original(name: str) -> Response:
    viewer = optional_session(video_sources_api.current_request)
    video_uuid = name[:36]
    if not video_cases.UUID_V4.match(video_uuid):
        raise NotFoundError(video_sources.ORIGINAL_NOT_FOUND)
    video = video_cases.find_video(video_uuid)
    url = video_sources.original_download(video, viewer.user if viewer else None, name, get_settings())
    return redirect(url)
