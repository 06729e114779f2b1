"""PeerTube's resumable upload, over S3 multipart uploads.

The client declares the file (size, type, metadata), then sends it in chunks with
`Content-Range`; each chunk is answered 308 with the `Range` received so far, and the last
one with the video. Chunks are appended in order to the S3 multipart upload of the
video's source key; completing it starts the transcoder like any other upload.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib import failpoints
from chalicelib.domain import videos as video_cases
from chalicelib.errors import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    LockedError,
    NotFoundError,
    ValidationError,
)
from chalicelib.store import keys, upload_sessions, uploads_bucket, videos
from chalicelib.store.models import UploadSession, User, Video

if TYPE_CHECKING:
    from chalicelib.config import Settings

MIN_PART_BYTES = 5 * 1024 * 1024  # S3's smallest part (but the last)
SESSION_LIFETIME = timedelta(days=1)
CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")
# The work file holding the bytes received since the last part (S3 parts are at least 5 MiB).
PENDING = "upload-pending"
FNV_OFFSET, FNV_PRIME, FNV_MASK = 0xCBF29CE484222325, 0x100000001B3, (1 << 64) - 1


@dataclass(frozen=True)
class Progress:
    session: UploadSession
    video: Video
    complete: bool

    @property
    def received(self) -> int:
        return int(self.session.received)


@dataclass(frozen=True)
class Declaration:
    """The file an init declares: its size and type (headers), its name and modification time."""

    size: int
    media_type: str
    filename: str
    last_modified: int | None


def read_declaration(body: dict[str, Any], headers: dict[str, str]) -> Declaration:
    """The init's declaration of the file to come; 400 naming each field that is missing."""
    size_header, type_header = headers.get("x-upload-content-length"), headers.get("x-upload-content-type")
    invalid = {}
    if not size_header or not size_header.isdigit():
        invalid["x-upload-content-length"] = "Should specify the file length"
    if not type_header:
        invalid["x-upload-content-type"] = "Should specify the file mimetype"
    filename = body.get("filename")
    if not isinstance(filename, str) or not 1 <= len(filename) <= 1000:
        invalid["filename"] = "Should have a valid filename"
    if invalid:
        raise ValidationError(invalid)
    last_modified = body.get("lastModified")
    return Declaration(
        int(str(size_header)),
        str(type_header),
        str(filename),
        last_modified if isinstance(last_modified, int) and not isinstance(last_modified, bool) else None,
    )


def upload_id(user_id: int, name: str, size: int, last_modified: int | None) -> str:
    """PeerTube's (uploadx's) id: FNV-1a 64 of user, title, size and mtime, so the same
    file from the same user resumes the same upload."""
    mtime = last_modified or int(time.time() * 1000)
    return "-".join(_fnv1a64(str(part)) for part in (user_id, name, size, mtime) if part)


def start(
    settings: Settings, user: User, body: dict[str, Any], headers: dict[str, str], now: datetime
) -> tuple[Progress, bool]:
    """Init: (progress, created). A repeated init of the same file resumes its session."""
    declared = read_declaration(body, headers)
    size, type_header, filename, last_modified = (
        declared.size,
        declared.media_type,
        declared.filename,
        declared.last_modified,
    )
    form = video_cases.read_form(body)
    identifier = upload_id(int(user.id), form.name, size, last_modified)
    existing = upload_sessions.get_session(identifier)
    if existing is not None and int(existing.user_id) == int(user.id):
        video = videos.get_video(int(existing.video_id))
        if video is not None:
            return Progress(existing, video, complete=False), False
    video_cases.check_media_type(type_header)
    video, _ = video_cases.create_local_video(settings, user, form, size, str(filename), now)
    s3_upload = uploads_bucket.start_multipart(str(video.source_key), str(type_header))
    session = UploadSession(
        keys.upload_session_pk(identifier),
        keys.ENTITY_SK,
        upload_id=identifier,
        user_id=int(user.id),
        video_id=int(video.id),
        size=size,
        s3_upload_id=s3_upload,
        parts=[],
        created_at=now,
        expires_at=now + SESSION_LIFETIME,
    )
    if not upload_sessions.create_session(session):
        raise ConflictError("This upload is being created by another request.")
    videos.set_upload_id(video, s3_upload)
    return Progress(session, video, complete=False), True


def write_chunk(user: User, identifier: str, content_range: str | None, chunk: bytes) -> Progress:
    """Append one chunk; the upload completes (and transcoding starts) with the last byte."""
    session, video = _own_session(user, identifier)
    if not append_chunk(session, str(video.source_key), str(video.uuid), content_range, chunk):
        return Progress(session, video, complete=False)
    videos.set_upload_id(video, None)
    upload_sessions.delete_session(session)
    return Progress(session, video, complete=True)


def append_chunk(
    session: UploadSession,
    key: str,
    work_owner: str,
    content_range: str | None,
    chunk: bytes,
    before_complete: Callable[[], None] | None = None,
) -> bool:
    """Append one chunk to the multipart upload of `key` (a video's source, an account
    archive); True when it was the last and the object is complete. Bytes short of a part
    wait in the work file `PENDING` of `work_owner`. `before_complete` runs once every byte
    is in S3's parts, before the object is made (and its arrival starts an ingest)."""
    match = CONTENT_RANGE.match(content_range or "")
    if match is None:
        raise BadRequestError("Content-Range must be bytes <first>-<last>/<total>.")
    first, total = int(match.group(1)), int(match.group(3))
    received, size = int(session.received), int(session.size)
    if total != size or first + len(chunk) > size:
        raise ConflictError("The chunk does not fit the declared file size.")
    if first < received and first + len(chunk) <= received:
        return False  # a retried chunk we already have
    if first != received:
        raise ConflictError(f"Expected the chunk starting at byte {received}.")
    data = uploads_bucket.read_work_file(work_owner, PENDING) if int(session.pending) else b""
    data += chunk
    parts = list(session.parts or [])
    last = received + len(chunk) == size
    if len(data) >= MIN_PART_BYTES or (last and data):
        number = len(parts) + 1
        etag = uploads_bucket.upload_part(key, str(session.s3_upload_id), number, data)
        parts.append({"PartNumber": number, "ETag": etag})
        pending = 0
        failpoints.reached(failpoints.RESUMABLE_PART_WRITTEN)
    else:
        uploads_bucket.put_work_file(work_owner, PENDING, data)
        pending = len(data)
    if not upload_sessions.advance(session, received + len(chunk), pending, parts):
        raise LockedError("Another chunk of this upload is being written.")
    if not last:
        return False
    if before_complete is not None:
        before_complete()
    uploads_bucket.complete_multipart(
        key, str(session.s3_upload_id), [(part["PartNumber"], part["ETag"]) for part in parts]
    )
    uploads_bucket.delete_work_file(work_owner, PENDING)
    return True


def cancel(user: User, identifier: str) -> None:
    """Abandon an upload and its video (an unknown upload is already gone: fine)."""
    session = upload_sessions.get_session(identifier)
    if session is None or session.source_key:
        return
    if int(session.user_id) != int(user.id):
        raise ForbiddenError("Authenticated user is not allowed access")
    video = videos.get_video(int(session.video_id))
    uploads_bucket.abort_multipart(str(video.source_key) if video else "", str(session.s3_upload_id))
    if video is not None:
        videos.delete_video(video, [])
    upload_sessions.delete_session(session)


def _own_session(user: User, identifier: str) -> tuple[UploadSession, Video]:
    session = upload_sessions.get_session(identifier) if identifier else None
    if session is not None and session.source_key:
        session = None  # a replacement's (domain/video_replacements.py), not an upload's
    if session is not None and int(session.user_id) != int(user.id):
        raise ForbiddenError("Authenticated user is not allowed access")
    video = videos.get_video(int(session.video_id)) if session is not None else None
    if session is None or video is None:
        raise NotFoundError("Upload not found")
    return session, video


def _fnv1a64(text: str) -> str:
    value = FNV_OFFSET
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * FNV_PRIME) & FNV_MASK
    return format(value, "x")
