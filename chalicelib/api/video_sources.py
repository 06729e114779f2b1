"""A video's source (PeerTube's VideoSource): `GET /api/v1/videos/{id}/source`, the kept
original's download `/download/original-video-files/{name}`, `DELETE
/api/v1/videos/{id}/source/file` (domain/video_sources.py), and the replacement of its file,
`POST/PUT/DELETE /api/v1/videos/{id}/source/replace-resumable` (domain/video_replacements.py)."""

from __future__ import annotations

import json
import time
from typing import Any

from chalice.app import Response

from chalicelib.api.auth import optional_session, require_right, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object
from chalicelib.api.shapes import iso
from chalicelib.api.video_files import redirect
from chalicelib.api.video_shapes import resolution_label
from chalicelib.config import get_settings
from chalicelib.domain import oauth, rate_limits, video_replacements, video_sources
from chalicelib.domain import videos as video_cases
from chalicelib.domain.roles import Right
from chalicelib.errors import NotFoundError

video_sources_api = ApiBlueprint(__name__)

ORIGINAL_DOWNLOAD_PATH = "download/original-video-files/"


@video_sources_api.route("/api/v1/videos/{video_id}/source", methods=["GET"])
def get_source(video_id: str) -> dict[str, Any]:
    user = session(video_sources_api.current_request).user
    return _source_json(video_cases.find_video(video_id), user)


def _source_json(video: Any, user: Any) -> dict[str, Any]:
    settings = get_settings()
    source = video_sources.latest(video, user, settings)
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


REPLACE = "/api/v1/videos/{video_id}/source/replace-resumable"


@video_sources_api.route(REPLACE, methods=["POST"])
def start_replacement(video_id: str) -> Response:
    request = video_sources_api.current_request
    user = session(request).user
    rate_limits.count_user_action(rate_limits.UPLOAD, user, time.time())
    video = video_cases.find_video(video_id)
    progress, created = video_replacements.start(
        get_settings(), user, video, json_object(request), dict(request.headers), oauth.utcnow()
    )
    headers: dict[str, str | list[str]] = {
        "Location": _replace_location(video_id, progress.session.upload_id),
        "Cache-Control": "no-store",
    }
    if progress.received:
        headers["Range"] = f"bytes=0-{progress.received - 1}"
    return Response(body="", status_code=201 if created else 200, headers=headers)


@video_sources_api.route(REPLACE, methods=["PUT"], content_types=["*/*"])
def put_replacement_chunk(video_id: str) -> Response:
    request = video_sources_api.current_request
    user = session(request).user
    raw = request.raw_body or b""
    chunk = raw if isinstance(raw, bytes) else raw.encode("latin-1")
    video = video_cases.find_video(video_id)
    progress = video_replacements.write_chunk(
        get_settings(), user, video, _upload_id_param(), request.headers.get("content-range"), chunk, oauth.utcnow()
    )
    if not progress.complete:
        return Response(
            body="",
            status_code=308,
            headers={"Range": f"bytes=0-{progress.received - 1}", "Cache-Control": "no-store"},
        )
    # PeerTube answers the replacement with the video's new source.
    body = _source_json(video_cases.find_video(video_id), user)
    return Response(body=json.dumps(body), status_code=200, headers={"Content-Type": "application/json"})


@video_sources_api.route(REPLACE, methods=["DELETE"])
def cancel_replacement(video_id: str) -> Response:
    user = session(video_sources_api.current_request).user
    video_replacements.cancel(user, video_cases.find_video(video_id), _upload_id_param())
    return Response(body="", status_code=204)


def _upload_id_param() -> str:
    query: dict[str, str] = dict(video_sources_api.current_request.query_params or {})
    return query.get("upload_id", "")


def _replace_location(video_id: str, upload_id: str) -> str:
    """As the upload's (uploadx's): the request's host, protocol-relative unless a proxy names
    the scheme."""
    request = video_sources_api.current_request
    host = request.headers.get("host") or get_settings().instance_host
    scheme = request.headers.get("x-forwarded-proto")
    base = f"{scheme}://{host}" if scheme else f"//{host}"
    return f"{base}{REPLACE.format(video_id=video_id)}?upload_id={upload_id}"
