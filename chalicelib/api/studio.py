"""The video studio: `POST /api/v1/videos/{id}/studio/edit` (domain/studio.py, docs/studio.md).

Tasks come as PeerTube's client sends them, a multipart form (`tasks[0][name]`,
`tasks[0][options][start]`, files as `tasks[0][options][file]`), or as JSON for tasks
without files. A file too large for a request is posted to S3 first
(`POST .../studio/upload-s3`, domain/studio_uploads.py) and named by
`tasks[i][options][fileUploadId]`, in a form or in JSON."""

from __future__ import annotations

import time

from chalice.app import Response

from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, media_type, multipart_form
from chalicelib.config import get_settings
from chalicelib.domain import oauth, studio, studio_uploads
from chalicelib.domain import videos as video_cases
from chalicelib.errors import BadRequestError, ServiceUnavailableError

studio_api = ApiBlueprint(__name__)

CHECK_WAIT_SECONDS = 20.0  # under API Gateway's 29 s: ffprobe reads the start of each file
CHECK_POLL_SECONDS = 0.5
RETRY_AFTER = "10"


@studio_api.route("/api/v1/videos/{video_id}/studio/upload-s3", methods=["POST"], content_types=["application/json"])
def start_upload(video_id: str) -> dict[str, object]:
    """A presigned POST for a task's file too large for this path (domain/studio_uploads.py)."""
    request = studio_api.current_request
    user = session(request).user
    video = video_cases.find_video(video_id)
    started = studio_uploads.start(get_settings(), video, user, json_object(request))
    return {
        "uploadId": started.upload_id,
        "upload": started.form,
        "maxSize": started.max_bytes,
        "expiresIn": studio_uploads.URL_SECONDS,
    }


@studio_api.route(
    "/api/v1/videos/{video_id}/studio/edit",
    methods=["POST"],
    content_types=["multipart/form-data", "application/json"],
)
def edit(video_id: str) -> Response:
    request = studio_api.current_request
    user = session(request).user
    if media_type(request) == "multipart/form-data":
        fields, uploads = multipart_form(request)
        files = {name: studio.TaskFile(upload.data, upload.filename) for name, upload in uploads.items()}
        body = studio.nested(fields, files)
    else:
        body = json_object(request)
    video = video_cases.find_video(video_id)
    prepared = studio.prepare_edit(get_settings(), video, user, body, oauth.utcnow())
    # The transcoder probes the files (this function has no ffprobe): wait for its verdict.
    deadline = time.monotonic() + CHECK_WAIT_SECONDS
    while (refusal := studio.verdict(prepared)) is None:
        if time.monotonic() >= deadline:
            studio.abandon(prepared)
            raise ServiceUnavailableError(
                "The studio files could not be checked in time: try again in a moment.",
                headers={"Retry-After": RETRY_AFTER},
            )
        time.sleep(CHECK_POLL_SECONDS)
    if refusal:
        studio.abandon(prepared)
        raise BadRequestError(refusal)
    studio.start_edit(prepared)
    return Response("", status_code=204)
