"""Uploading a video: PeerTube's legacy and resumable uploads, and direct upload to S3.

Every path ends with the file at the video's source key in the uploads bucket; its arrival
(S3 ObjectCreated) starts the transcoder. Direct upload is Cirrus's extension of PeerTube's
API: the client sends the file's parts straight to S3 with presigned URLs, so its size is
not limited by API Gateway and Lambda (10 MB and 6 MB), and no function handles its bytes.

    POST /api/v1/videos/upload-s3            metadata + filename, size, mimeType
         → 200 {video: {id, shortUUID, uuid}, upload: {uploadId, partSize, parts: [{partNumber, url}]}}
    PUT  <each part url>                      the bytes of that part (keep each ETag header)
    GET  /api/v1/videos/upload-s3/{id}       to resume: the parts S3 holds, fresh URLs for the others
    POST /api/v1/videos/upload-s3/{id}/complete   {parts: [{partNumber, etag}]} or {}  → 200 {video}
    DELETE /api/v1/videos/upload-s3/{id}     abandon the upload and the video → 204
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from chalice.app import Response

from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, multipart_form
from chalicelib.config import get_settings
from chalicelib.domain import oauth, rate_limits, resumable
from chalicelib.domain import videos as video_cases
from chalicelib.domain.short_uuid import to_short
from chalicelib.errors import BadRequestError, ConflictError, PayloadTooLargeError, ValidationError
from chalicelib.store import uploads_bucket, videos

if TYPE_CHECKING:
    from chalicelib.store.models import Video

uploads_api = ApiBlueprint(__name__)

MIN_PART_BYTES = 8 * 1024 * 1024  # S3 needs 5 MiB; 8 keeps the URL list short
MAX_PARTS = 10_000  # S3's limit
MAX_SOURCE_BYTES = 5 * 1024**4  # S3's largest object
URL_SECONDS = 24 * 3600


@uploads_api.route("/api/v1/videos/upload", methods=["POST"], content_types=["multipart/form-data"])
def upload_legacy() -> dict[str, Any]:
    request = uploads_api.current_request
    user = session(request).user
    rate_limits.count_user_action(rate_limits.UPLOAD, user, time.time())
    fields, files = multipart_form(request)
    form = video_cases.read_form(fields)
    upload = files.get("videofile")
    if upload is None or not upload.data:
        raise ValidationError({"videofile": "Should have a file"})
    video_cases.check_media_type(upload.content_type)
    video, _ = video_cases.create_local_video(
        get_settings(), user, form, len(upload.data), upload.filename, oauth.utcnow()
    )
    uploads_bucket.put_source(str(video.source_key), upload.data, upload.content_type)
    return _created(video)


RESUMABLE = "/api/v1/videos/upload-resumable"


@uploads_api.route(RESUMABLE, methods=["POST"])
def start_resumable() -> Response:
    request = uploads_api.current_request
    user = session(request).user
    rate_limits.count_user_action(rate_limits.UPLOAD, user, time.time())
    progress, created = resumable.start(
        get_settings(), user, json_object(request), dict(request.headers), oauth.utcnow()
    )
    headers: dict[str, str | list[str]] = {
        "Location": _resumable_location(progress.session.upload_id),
        "Cache-Control": "no-store",
    }
    if progress.received:
        headers["Range"] = f"bytes=0-{progress.received - 1}"
    return Response(body="", status_code=201 if created else 200, headers=headers)


@uploads_api.route(RESUMABLE, methods=["PUT"], content_types=["*/*"])
def put_resumable_chunk() -> Response:
    request = uploads_api.current_request
    user = session(request).user
    raw = request.raw_body or b""
    chunk = raw if isinstance(raw, bytes) else raw.encode("latin-1")
    upload = _upload_id_param()
    progress = resumable.write_chunk(user, upload, request.headers.get("content-range"), chunk)
    if not progress.complete:
        # 308 "Resume Incomplete", as uploadx (and so PeerTube's clients) speak it.
        return Response(
            body="",
            status_code=308,
            headers={"Range": f"bytes=0-{progress.received - 1}", "Cache-Control": "no-store"},
        )
    return Response(
        body=json.dumps(_created(progress.video)), status_code=200, headers={"Content-Type": "application/json"}
    )


@uploads_api.route(RESUMABLE, methods=["DELETE"])
def cancel_resumable() -> Response:
    request = uploads_api.current_request
    user = session(request).user
    resumable.cancel(user, _upload_id_param())
    return Response(body="", status_code=204)


@uploads_api.route("/api/v1/videos/upload-s3", methods=["POST"])
def start_direct_upload() -> dict[str, Any]:
    request = uploads_api.current_request
    user = session(request).user
    rate_limits.count_user_action(rate_limits.UPLOAD, user, time.time())
    body = json_object(request)
    size, filename, mime_type = _upload_facts(body)
    form = video_cases.read_form(body)
    video_cases.check_media_type(mime_type)
    if size > MAX_SOURCE_BYTES:
        raise PayloadTooLargeError(
            "This file is too large. It exceeds the maximum file size authorized", code="max_file_size_reached"
        )
    video, _ = video_cases.create_local_video(get_settings(), user, form, size, filename, oauth.utcnow())
    upload_id = uploads_bucket.start_multipart(str(video.source_key), mime_type)
    videos.set_upload_id(video, upload_id)
    part_size = _part_size(size)
    numbers = range(1, math.ceil(size / part_size) + 1)
    parts = _part_urls(str(video.source_key), upload_id, numbers)
    return {**_created(video), "upload": {"uploadId": upload_id, "partSize": part_size, "parts": parts}}


@uploads_api.route("/api/v1/videos/upload-s3/{video_id}", methods=["GET"])
def resume_direct_upload(video_id: str) -> dict[str, Any]:
    """Where an upload stands: the parts S3 holds whole, and fresh URLs for the others.

    A client resuming after a reload (or after its URLs expired) sends only the parts listed
    in `parts`; a part S3 holds with the wrong size (a bug, or another file) is sent again.
    """
    user = session(uploads_api.current_request).user
    video = _own_pending_upload(video_id, user)
    key, upload_id, size = str(video.source_key), str(video.upload_id), int(video.source_size or 0)
    part_size = _part_size(size)
    count = math.ceil(size / part_size)
    expected = {n: min(part_size, size - (n - 1) * part_size) for n in range(1, count + 1)}
    held = {part.number: part.size for part in uploads_bucket.list_parts(key, upload_id)}
    whole = sorted(n for n, length in held.items() if expected.get(n) == length)
    missing = [n for n in expected if n not in whole]
    return {
        **_created(video),
        "upload": {
            "uploadId": upload_id,
            "partSize": part_size,
            "size": size,
            "parts": _part_urls(key, upload_id, missing),
            "uploadedParts": [{"partNumber": n, "size": held[n]} for n in whole],
        },
    }


def _part_size(size: int) -> int:
    return max(MIN_PART_BYTES, math.ceil(size / MAX_PARTS))


def _part_urls(key: str, upload_id: str, numbers: Iterable[int]) -> list[dict[str, Any]]:
    return [
        {"partNumber": number, "url": uploads_bucket.part_url(key, upload_id, number, URL_SECONDS)}
        for number in numbers
    ]


@uploads_api.route("/api/v1/videos/upload-s3/{video_id}/complete", methods=["POST"])
def complete_direct_upload(video_id: str) -> dict[str, Any]:
    request = uploads_api.current_request
    user = session(request).user
    video = _own_pending_upload(video_id, user)
    parts = json_object(request).get("parts")
    key = str(video.source_key)
    if parts is None:
        # Browsers may not read S3's ETag headers (a bucket's CORS rule must expose them):
        # without a list, the parts S3 holds are the upload.
        held = uploads_bucket.list_parts(key, str(video.upload_id))
        parts = [{"partNumber": part.number, "etag": part.etag} for part in held]
        if not parts:
            raise BadRequestError("The upload could not be completed: no part was uploaded")
    if (
        not isinstance(parts, list)
        or not parts
        or not all(
            isinstance(p, dict) and isinstance(p.get("partNumber"), int) and isinstance(p.get("etag"), str)
            for p in parts
        )
    ):
        raise ValidationError({"parts": "Should list every part as {partNumber, etag}"})
    try:
        uploads_bucket.complete_multipart(key, str(video.upload_id), [(p["partNumber"], p["etag"]) for p in parts])
    except uploads_bucket.PartsRefused as refusal:
        raise BadRequestError(f"The upload could not be completed: {refusal}") from None
    if uploads_bucket.source_size(key) > int(video.source_size or 0):
        # The quota was reserved for the declared size; a larger file would use more than
        # what was checked: nothing of this upload stays.
        uploads_bucket.delete_source(key)
        videos.delete_video(video, [])
        raise PayloadTooLargeError(
            f"{video_cases.QUOTA_EXCEEDED}: the file is larger than the size declared at upload start",
            code="quota_reached",
        )
    videos.set_upload_id(video, None)
    return _created(video)


@uploads_api.route("/api/v1/videos/upload-s3/{video_id}", methods=["DELETE"])
def cancel_direct_upload(video_id: str) -> Response:
    user = session(uploads_api.current_request).user
    video = _own_pending_upload(video_id, user)
    uploads_bucket.abort_multipart(str(video.source_key), str(video.upload_id))
    videos.delete_video(video, [])
    return Response(body="", status_code=204)


def _upload_facts(body: dict[str, Any]) -> tuple[int, str, str]:
    size, filename, mime_type = body.get("size"), body.get("filename"), body.get("mimeType")
    invalid = {}
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        invalid["size"] = "Should have the file's size in bytes"
    if not isinstance(filename, str) or not 1 <= len(filename) <= 1000:
        invalid["filename"] = "Should have the file's name"
    if not isinstance(mime_type, str):
        invalid["mimeType"] = "Should have the file's media type"
    if invalid:
        raise ValidationError(invalid)
    return int(str(size)), str(filename), str(mime_type)


def _own_pending_upload(video_id: str, user: Any) -> Video:
    video = video_cases.find_video(video_id)
    video_cases.check_can_delete(video, user)
    if not video.upload_id:
        raise ConflictError("This video has no upload in progress.")
    return video


def _upload_id_param() -> str:
    query: dict[str, str] = dict(uploads_api.current_request.query_params or {})
    return query.get("upload_id", "")


def _resumable_location(upload_id: str) -> str:
    """Like uploadx: the request's host, protocol-relative unless a proxy names the scheme."""
    request = uploads_api.current_request
    host = request.headers.get("host") or get_settings().instance_host
    scheme = request.headers.get("x-forwarded-proto")
    base = f"{scheme}://{host}" if scheme else f"//{host}"
    return f"{base}{RESUMABLE}?upload_id={upload_id}"


def _created(video: Video) -> dict[str, Any]:
    return {"video": {"id": int(video.id), "shortUUID": to_short(video.uuid), "uuid": video.uuid}}
