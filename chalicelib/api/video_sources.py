"""`GET /api/v1/videos/{id}/source`: the file its owner uploaded (PeerTube's VideoSource)."""

from __future__ import annotations

from typing import Any

from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.shapes import iso
from chalicelib.api.video_shapes import resolution_label
from chalicelib.domain import video_sources
from chalicelib.domain import videos as video_cases

video_sources_api = ApiBlueprint(__name__)


@video_sources_api.route("/api/v1/videos/{video_id}/source", methods=["GET"])
def get_source(video_id: str) -> dict[str, Any]:
    user = session(video_sources_api.current_request).user
    source = video_sources.latest(video_cases.find_video(video_id), user)
    resolution = source.resolution
    return {
        "inputFilename": source.input_filename,
        "fileUrl": None,
        "fileDownloadUrl": None,  # the source is not kept for download (transcoding.original_file.keep)
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
