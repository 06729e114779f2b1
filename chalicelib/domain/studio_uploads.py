"""Studio files too large for the API's request path on AWS (an intro, an outro or a
watermark past what one request carries: API Gateway's 10 MB, and Lambda's 6 MB event of
which base64 leaves about 4.4 MB, domain/caption_uploads.py), sent straight to S3 (Cirrus's
extension of PeerTube's `POST /api/v1/videos/{id}/studio/edit`).

A client asks for a presigned POST of the uploads bucket for one task (`start`), posts the
file to S3, whose policy refuses more than the task's cap, then sends the edit with
`tasks[i][options][fileUploadId]` instead of `tasks[i][options][file]`. The edit then takes
the posted file exactly as a multipart one (domain/studio.py): the quota counted with its
size, copied (inside S3) into the edit's own folder, probed by the transcoder (an intro or
outro must be a video, a watermark a PNG, JPEG or WebP picture). An upload serves one edit
and is deleted when read; one never used goes with the work area's lifecycle rule.

    POST /api/v1/videos/{id}/studio/upload-s3   {task: add-intro | add-outro | add-watermark}
         → 200 {uploadId, upload: {url, fields}, maxSize, expiresIn}
    POST <url>  (multipart form: the fields, then `file`)
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.domain import custom_config, video_edits
from chalicelib.errors import BadRequestError
from chalicelib.store import uploads_bucket

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.store.models import User, Video

# What S3's policy lets through: PeerTube's image cap for a watermark (8 MB), and for an intro
# or outro what one server-side copy moves (5 GB; the quota counts it too).
MAX_BYTES = {"add-intro": 5 * 1000**3, "add-outro": 5 * 1000**3, "add-watermark": 8 * 1024 * 1024}
URL_SECONDS = 3600
UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
DISABLED = "Video studio is disabled on this instance"


@dataclass(frozen=True)
class Started:
    upload_id: str
    form: dict[str, Any]
    max_bytes: int


@dataclass(frozen=True)
class UploadedFile:
    """A posted file, found in the video's work area: its work name and size."""

    name: str
    size: int


def start(settings: Settings, video: Video, user: User, body: dict[str, Any]) -> Started:
    """A presigned POST for one task's file (the studio on, the video the user's to manage)."""
    if not custom_config.current(settings).custom["videoStudio"]["enabled"]:
        raise BadRequestError(DISABLED)
    video_edits.check_can_manage(video, user)
    task = body.get("task")
    if task not in MAX_BYTES:
        raise BadRequestError("Should have a task taking a file (add-intro, add-outro or add-watermark)")
    upload_id = secrets.token_hex(16)
    cap = MAX_BYTES[str(task)]
    form = uploads_bucket.work_upload_form(video.uuid, work_name(str(task), upload_id), cap, URL_SECONDS)
    return Started(upload_id, form, cap)


def find(video_uuid: str, task: str, upload_id: Any) -> UploadedFile | None:
    """The file posted for `task` under `upload_id`, or None (unknown, not posted, another
    task's, or over the cap S3 already refused)."""
    if task not in MAX_BYTES or not isinstance(upload_id, str) or not UPLOAD_ID.match(upload_id):
        return None
    name = work_name(task, upload_id)
    size = uploads_bucket.work_file_size(video_uuid, name)
    if size is None or not 0 < size <= MAX_BYTES[task]:
        return None
    return UploadedFile(name, size)


def work_name(task: str, upload_id: str) -> str:
    return f"studio-upload-{task}-{upload_id}.upload"
