"""A video's source: the file its owner uploaded (PeerTube's VideoSource, `GET
/api/v1/videos/{id}/source`), described from what the upload and the ingest's probe recorded.

PeerTube keeps one VideoSource per upload (the latest is shown): its name, and the probe's
resolution, dimensions, frame rate and size. Cirrus keeps the source in the uploads bucket;
its facts are on the video (`input_filename`, `source_size`) and in its plan (`original`).

The original as a download: PeerTube keeps it (and lists its `fileDownloadUrl`,
`/download/original-video-files/<name>`) when the administrator's `transcoding.originalFile.keep`
is on. Cirrus always has it in the uploads bucket (transcoding reads it there), so the
setting decides whether it is offered: switching it on offers the originals of earlier
videos too. `DELETE /api/v1/videos/{id}/source/file` (MANAGE_VIDEO_FILES) deletes it; the
source is then described by its name alone, as PeerTube's. Who may download it: whoever
manages the video, with their credentials (PeerTube's checkCanAccessVideoSourceFile; Cirrus's
video file tokens name no user, so they do not open it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.domain import custom_config, video_edits, web_videos
from chalicelib.errors import ConflictError, ForbiddenError, NotFoundError
from chalicelib.store import uploads_bucket
from chalicelib.store.models.video_stages import STAGE_DONE, STAGE_FAILED

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.store.models import User, Video

ORIGINAL_NOT_FOUND = "Original video file not found"
DOWNLOAD_SECONDS = 300


@dataclass(frozen=True)
class VideoSource:
    input_filename: str
    size: int | None
    resolution: int | None  # None until the ingest has probed it
    width: int | None
    height: int | None
    fps: int | None
    created_at: datetime
    kept_name: str | None = None  # the original's download name, when it is offered


def latest(video: Video, user: User, settings: Settings) -> VideoSource:
    """The source of a video its owner (or a moderator) manages; 404 while there is none
    (an upload not completed)."""
    video_edits.check_can_manage(video, user)
    if not video.source_key or video.upload_id:
        raise NotFoundError("Video source not found")
    name = str(video.input_filename or str(video.source_key).rsplit("/", 1)[-1])
    if not uploads_bucket.source_exists(str(video.source_key)):
        # Deleted (DELETE .../source/file): described by its name alone, as PeerTube's.
        return VideoSource(name, None, None, None, None, None, _created_at(video))
    facts = (video.plan or {}).get("original") or {}
    probed = bool(facts)
    return VideoSource(
        input_filename=name,
        size=int(facts["size"]) if probed else (int(video.source_size) if video.source_size is not None else None),
        resolution=int(facts["resolution"]) if probed else None,
        width=int(facts["width"]) if probed else None,
        height=int(facts["height"]) if probed else None,
        fps=int(facts["fps"]) if probed else None,
        created_at=_created_at(video),
        kept_name=kept_name(video) if keeps_originals(settings) else None,
    )


def _created_at(video: Video) -> datetime:
    """When the source came: the upload, or its latest replacement (PeerTube's VideoSource
    of a replaced file is created then)."""
    return video.input_file_updated_at or video.created_at


def keeps_originals(settings: Settings) -> bool:
    """The administrator's `transcoding.originalFile.keep` (one GetItem)."""
    return bool(custom_config.current(settings).custom["transcoding"]["originalFile"]["keep"])


def kept_name(video: Video) -> str:
    """The name of the original's download: `<video uuid><extension>`."""
    return f"{video.uuid}{web_videos.source_extension(str(video.source_key))}"


def original_download(video: Video, user: User | None, name: str, settings: Settings) -> str:
    """A presigned URL of the original, for whoever manages the video; 404 when it is not
    offered (not kept, deleted, or another name), 403 for others."""
    if user is None:
        raise ForbiddenError("Cannot access the original file of this video")
    if not video.source_key or video.upload_id or name != kept_name(video) or not keeps_originals(settings):
        raise NotFoundError(ORIGINAL_NOT_FOUND)
    video_edits.check_can_manage(video, user)
    if not uploads_bucket.source_exists(str(video.source_key)):
        raise NotFoundError(ORIGINAL_NOT_FOUND)
    download_name = str(video.input_filename or name)
    return uploads_bucket.source_download_url(str(video.source_key), DOWNLOAD_SECONDS, download_name)


def delete_original(video: Video, user: User) -> None:
    """DELETE /videos/{id}/source/file: the uploaded file goes; not while transcoding reads it."""
    video_edits.check_can_manage(video, user)
    if not video.source_key or video.upload_id:
        raise NotFoundError("Video source not found")
    if video.stage not in (STAGE_DONE, STAGE_FAILED):
        raise ConflictError("This video is being transcoded: its source is still read.")
    uploads_bucket.delete_source(str(video.source_key))
