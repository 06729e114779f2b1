"""Replacing a video's file: PeerTube's `POST/PUT/DELETE /api/v1/videos/{id}/source/replace-resumable`
(init, chunks, cancel), over the resumable upload protocol (domain/resumable.py).

**Who and when** (PeerTube's checkCanUpdateVideoFile, checked at the init and again with the
last chunk): the administrator's `videoFile.update.enabled` (403 when off), a local video the
user may manage (UPDATE_ANY_VIDEO for others' videos, 403), not a live (400), not a video
still being transcoded (409), and the new file within its owner's quota (413, as an upload).

**While the file arrives** the video is untouched, and plays from its old files: the upload is
a session of its own (an UploadSession naming the video and the new source's key, next to
the old source under `videos/<uuid>/`), so abandoning it (DELETE, or never finishing it)
changes nothing of the video.

**With the last chunk** (PeerTube's replaceVideoSourceResumable), once every byte is in S3's
parts and before the new source object is made: one transaction moves the video from
done (or failed) back to uploaded with the new source, its file items and info hashes go,
what its publication counted is taken back and the new file reserved on its owner's quota,
and `inputFileUpdatedAt` is set; then the new source object is completed, whose arrival
starts the ingest as for any upload (the original is listed as its web video until
transcoding replaces it, as PeerTube lists the new file at once); then the old files'
objects, its generated downloads and its old source are deleted (deleting a missing object
is no error, so doing it again is harmless). As PeerTube, the video is then "to transcode"
until published again; publication sends an Update (not a Create) to followers, and no
new-video notification (PeerTube's isNewVideo is false for a replaced file).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain import custom_config, resumable, video_edits
from chalicelib.domain import videos as video_cases
from chalicelib.errors import BadRequestError, ConflictError, ForbiddenError, NotFoundError
from chalicelib.media import layout
from chalicelib.observability import logger
from chalicelib.store import keys, media, quotas, upload_sessions, uploads_bucket, users, videos
from chalicelib.store.models import UploadSession
from chalicelib.store.models.video_stages import LIVE_STAGES, PENDING_STAGES, STAGE_DONE, STAGE_FAILED

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.store.models import User, Video, VideoFile, WebVideoFile

DISABLED = "Updating the file of an existing video is not allowed on this instance"
LIVE = "Cannot edit a live video"
TRANSCODING = "Cannot edit video that is already waiting for transcoding/edition"
INCOMPATIBLE = "Video state is not compatible with edition"
WRITE_ATTEMPTS = 5


@dataclass(frozen=True)
class Progress:
    session: UploadSession
    complete: bool

    @property
    def received(self) -> int:
        return int(self.session.received)


def check_can_replace(settings: Settings, video: Video, user: User) -> None:
    """PeerTube's checkCanUpdateVideoFile, in its order."""
    if not custom_config.current(settings).custom["videoFile"]["update"]["enabled"]:
        raise ForbiddenError(DISABLED)
    video_edits.check_can_manage(video, user)
    if video.stage in LIVE_STAGES:
        raise BadRequestError(LIVE)
    if video.stage in PENDING_STAGES or video.upload_id:
        raise ConflictError(TRANSCODING)
    if video.stage not in (STAGE_DONE, STAGE_FAILED):
        raise BadRequestError(INCOMPATIBLE)


def start(
    settings: Settings, user: User, video: Video, body: dict[str, Any], headers: dict[str, str], now: datetime
) -> tuple[Progress, bool]:
    """Init: (progress, created). A repeated init of the same file resumes its session."""
    check_can_replace(settings, video, user)
    declared = resumable.read_declaration(body, headers)
    video_cases.check_media_type(declared.media_type)
    video_cases.check_quota(_owner(video, user), declared.size, now)
    name = f"replace-{int(video.id)}-{declared.filename}"
    identifier = "r" + resumable.upload_id(int(user.id), name, declared.size, declared.last_modified)
    existing = upload_sessions.get_session(identifier)
    if existing is not None and int(existing.user_id) == int(user.id) and int(existing.video_id) == int(video.id):
        return Progress(existing, complete=False), False
    # Beside the old source, under a name of its own: the old one stays until the switch.
    key = layout.source_key(video.uuid, f"{secrets.token_hex(6)}-{video_cases.safe_filename(declared.filename)}")
    session = UploadSession(
        keys.upload_session_pk(identifier),
        keys.ENTITY_SK,
        upload_id=identifier,
        user_id=int(user.id),
        video_id=int(video.id),
        size=declared.size,
        s3_upload_id=uploads_bucket.start_multipart(key, declared.media_type),
        parts=[],
        created_at=now,
        expires_at=now + resumable.SESSION_LIFETIME,
        source_key=key,
        filename=declared.filename,
    )
    if not upload_sessions.create_session(session):
        raise ConflictError("This upload is being created by another request.")
    return Progress(session, complete=False), True


def write_chunk(
    settings: Settings,
    user: User,
    video: Video,
    identifier: str,
    content_range: str | None,
    chunk: bytes,
    now: datetime,
) -> Progress:
    """Append one chunk; with the last one the video switches to the new file."""
    session = _own_session(user, video, identifier)

    def switch() -> None:
        current = videos.get_video(int(video.id))
        if current is None:
            raise NotFoundError("Video not found")
        check_can_replace(settings, current, user)
        _switch(current, user, session, now)

    key = str(session.source_key)
    if not resumable.append_chunk(session, key, f"replace-{video.uuid}", content_range, chunk, switch):
        return Progress(session, complete=False)
    upload_sessions.delete_session(session)
    return Progress(session, complete=True)


def cancel(user: User, video: Video, identifier: str) -> None:
    """Abandon a replacement: its parts go, the video is untouched (an unknown upload is
    already gone: fine)."""
    session = upload_sessions.get_session(identifier) if identifier else None
    if session is None or not session.source_key:
        return
    if int(session.user_id) != int(user.id) or int(session.video_id) != int(video.id):
        raise ForbiddenError("Authenticated user is not allowed access")
    uploads_bucket.abort_multipart(str(session.source_key), str(session.s3_upload_id))
    uploads_bucket.delete_work_file(f"replace-{video.uuid}", resumable.PENDING)
    upload_sessions.delete_session(session)


def _switch(video: Video, user: User, session: UploadSession, now: datetime) -> None:
    _, files, web_files = videos.get_video_with_all_files(int(video.id))
    old_source = str(video.source_key or "")
    old_prefix = str(video.hls_prefix or "")
    size = int(session.size)
    source = (str(session.source_key), str(session.filename), size)
    for _ in range(WRITE_ATTEMPTS):
        owner = users.get_user(int(video.user_id or user.id), consistent=True)
        if owner is None:
            raise NotFoundError("User not found")
        video_cases.check_quota(owner, size, now)
        reservation = quotas.Reservation(owner, int(video.id), size, now)
        if videos.replace_source(video, files, web_files, source, now, reservation):
            break
        current = videos.get_video(int(video.id))
        if current is None or current.stage not in (STAGE_DONE, STAGE_FAILED):
            raise ConflictError(TRANSCODING)
    else:
        raise ConflictError("Too many uploads at once: try again.")
    logger.info("video file replaced", extra={"video": video.uuid, "files": len(files) + len(web_files)})
    # The old files are no longer listed: their objects go (none of them is read again).
    media.delete_files(old_objects(video.uuid, old_prefix, files, web_files))
    media.delete_generated(video.uuid)
    if old_source and old_source != source[0]:
        uploads_bucket.delete_source(old_source)


def old_objects(video_uuid: str, hls_prefix: str, files: list[VideoFile], web_files: list[WebVideoFile]) -> list[str]:
    """Every object of these files wherever the privacy put them: HLS playlists and media,
    master playlist and segment hashes, web videos, torrents and descriptions."""
    names = [name for f in files for name in (str(f.playlist_name), str(f.media_name))]
    if hls_prefix:
        names += [f"{hls_prefix}-master.m3u8", f"{hls_prefix}-segments-sha256.json"]
    objects = [layout.hls_key(video_uuid, name, private) for name in names for private in (False, True)]
    objects += [layout.web_video_key(str(w.file_name), private) for w in web_files for private in (False, True)]
    torrents = [f.torrent_name for f in files] + [w.torrent_name for w in web_files]
    objects += [layout.torrent_key(str(name)) for name in torrents if name]
    objects += [layout.file_metadata_key(video_uuid, str(f.media_name)) for f in files]
    objects += [layout.file_metadata_key(video_uuid, str(w.file_name)) for w in web_files]
    return objects


def _owner(video: Video, user: User) -> User:
    """The video's owner, whose quota the new file counts on (PeerTube's channel user)."""
    if video.user_id is None or int(video.user_id) == int(user.id):
        return user
    owner = users.get_user(int(video.user_id))
    if owner is None:
        raise NotFoundError("User not found")
    return owner


def _own_session(user: User, video: Video, identifier: str) -> UploadSession:
    session = upload_sessions.get_session(identifier) if identifier else None
    if session is None or not session.source_key or int(session.video_id) != int(video.id):
        raise NotFoundError("Upload not found")
    if int(session.user_id) != int(user.id):
        raise ForbiddenError("Authenticated user is not allowed access")
    return session
