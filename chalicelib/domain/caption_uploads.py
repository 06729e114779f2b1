"""Captions too large for the API's request path on AWS, sent straight to S3 (Cirrus's
extension of PeerTube's `PUT /api/v1/videos/{id}/captions/{language}`).

Why: PeerTube accepts a caption file of up to 20 MB. On AWS a request body reaches the API
function inside its invocation event, base64-encoded (multipart bodies are binary to API
Gateway), and Lambda refuses an event over 6 MB (6,291,456 bytes) whatever API Gateway's own
10 MB allows: a multipart PUT carries a caption of about 4.4 MB at most
(`MULTIPART_CAP_ON_AWS`, guarded by tests/unit/test_caption_upload_cap.py). Under `make run`
the PUT takes PeerTube's 20 MB.

So a client with a larger caption asks for a presigned POST of the uploads bucket
(`start`), posts the file to S3, whose policy refuses more than 20 MB, then asks for it to be
stored (`complete`): the API function reads it from S3 (20 MB fit its memory easily), checks
and converts it exactly as a PUT's (`captions.read_upload`), stores it as a PUT would, and
deletes the upload. The upload is a work file of the video (`work/<uuid>/caption-...`):
one never completed goes with the bucket's work lifecycle rule (7 days).

    POST /api/v1/videos/{id}/captions/{language}/upload-s3
         → 200 {uploadId, upload: {url, fields}, maxSize, expiresIn}
    POST <url>  (multipart form: the fields, then `file`)
    POST /api/v1/videos/{id}/captions/{language}/upload-s3/{uploadId}/complete  → 204
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain import captions, video_edits
from chalicelib.errors import NotFoundError, PayloadTooLargeError
from chalicelib.media import subtitles
from chalicelib.store import uploads_bucket

if TYPE_CHECKING:
    from chalicelib.store.models import User, Video

LAMBDA_EVENT_BYTES = 6 * 1024 * 1024  # a synchronous invocation's request payload
# The largest caption a multipart PUT carries on AWS: base64 makes 3 bytes 4, and the event's
# own fields (headers, request context, the multipart envelope) take the rest. Measured on a
# built event by tests/unit/test_caption_upload_cap.py.
MULTIPART_CAP_ON_AWS = 4_400_000
MAX_BYTES = subtitles.MAX_BYTES  # PeerTube's cap, which S3's policy enforces
URL_SECONDS = 3600
UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
NOT_FOUND = "Caption upload not found"


@dataclass(frozen=True)
class Started:
    upload_id: str
    form: dict[str, Any]


def start(video: Video, user: User, language: str) -> Started:
    """A presigned POST for the caption of `language` (the same checks as a PUT's)."""
    captions.check_language(language)
    video_edits.check_can_manage(video, user)
    upload_id = secrets.token_hex(16)
    form = uploads_bucket.work_upload_form(video.uuid, _work_name(language, upload_id), MAX_BYTES, URL_SECONDS)
    return Started(upload_id, form)


def complete(video: Video, user: User, language: str, upload_id: str, now: datetime) -> None:
    """Store the posted caption as a PUT of it would; the upload is deleted either way once read."""
    captions.check_language(language)
    video_edits.check_can_manage(video, user)
    if not UPLOAD_ID.match(upload_id):
        raise NotFoundError(NOT_FOUND)
    name = _work_name(language, upload_id)
    size = uploads_bucket.work_file_size(video.uuid, name)
    if size is None:
        raise NotFoundError(NOT_FOUND)
    try:
        if size > MAX_BYTES:  # S3's policy refuses it; checked again all the same
            raise PayloadTooLargeError(f"The caption file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
        data = uploads_bucket.read_work_file(video.uuid, name)
        caption = captions.read_upload(data, "text/plain")
    finally:
        uploads_bucket.delete_work_file(video.uuid, name)
    captions.put_caption(video, user, language, caption, now)


def _work_name(language: str, upload_id: str) -> str:
    return f"caption-{language}-{upload_id}.upload"
