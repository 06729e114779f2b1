"""A video's source: the file its owner uploaded (PeerTube's VideoSource, `GET
/api/v1/videos/{id}/source`), described from what the upload and the ingest's probe recorded.

PeerTube keeps one VideoSource per upload (the latest is shown): its name, and the probe's
resolution, dimensions, frame rate and size. Cirrus keeps the source in the uploads bucket;
its facts are on the video (`input_filename`, `source_size`) and in its plan (`original`).
Not kept: ffprobe's whole output (PeerTube's `metadata`), and the source as a download
(PeerTube offers it only when `transcoding.original_file.keep` is on; Cirrus does not yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.domain import video_edits
from chalicelib.errors import NotFoundError

if TYPE_CHECKING:
    from chalicelib.store.models import User, Video


@dataclass(frozen=True)
class VideoSource:
    input_filename: str
    size: int | None
    resolution: int | None  # None until the ingest has probed it
    width: int | None
    height: int | None
    fps: int | None
    created_at: datetime


def latest(video: Video, user: User) -> VideoSource:
    """The source of a video its owner (or a moderator) manages; 404 while there is none
    (an upload not completed)."""
    video_edits.check_can_manage(video, user)
    if not video.source_key or video.upload_id:
        raise NotFoundError("Video source not found")
    facts = (video.plan or {}).get("original") or {}
    probed = bool(facts)
    name = video.input_filename or str(video.source_key).rsplit("/", 1)[-1]
    return VideoSource(
        input_filename=str(name),
        size=int(facts["size"]) if probed else (int(video.source_size) if video.source_size is not None else None),
        resolution=int(facts["resolution"]) if probed else None,
        width=int(facts["width"]) if probed else None,
        height=int(facts["height"]) if probed else None,
        fps=int(facts["fps"]) if probed else None,
        created_at=video.created_at,
    )
