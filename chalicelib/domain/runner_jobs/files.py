"""A runner's result files: in the `success` body or uploaded to this acceptance's custom
upload URL (domain/runner_uploads.py), and checked before the job moves: present, no larger
than the job's result can be, and beginning as it must. A refused upload is deleted, and the
job stays the runner's to retry or report an error on.

The limits are read at each call (`files.MAX_RESULT_BYTES`), so that a test may lower them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain import runner_uploads
from chalicelib.domain.runner_jobs.base import video_uuid_of
from chalicelib.errors import BadRequestError, PayloadTooLargeError

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalicelib.store.models import RunnerJob

# A chunk is at most 60 s of source (docs/transcoding.md) at PeerTube's rate caps: tens of
# MB. Far more is not a chunk.
MAX_RESULT_BYTES = 1024**3
# A whole video (a studio edit, a rendition): S3's limit for the one PUT a custom upload is.
MAX_WHOLE_RESULT_BYTES = 5 * 1024**3
MAX_SMALL_RESULT_BYTES = 10 * 1024**2  # a playlist, a caption, a sprite sheet: read whole
# The files each kind of job sends back (PeerTube's success payloads), and their extensions.
RESULT_EXTENSIONS = {
    "videoFile": "mp4",
    "resolutionPlaylistFile": "m3u8",
    "vttFile": "vtt",
    "storyboardFile": "jpg",
}


def upload_name(job: RunnerJob, field: str) -> str:
    """The object this acceptance's runner uploads `field` to (never an earlier one's)."""
    return runner_uploads.object_name(str(job.uuid), int(job.attempt or 0), field, RESULT_EXTENSIONS[field])


def upload_fields(job: RunnerJob, fields: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """PeerTube's `<field>CustomUpload` output fields: one presigned S3 PUT per file."""
    video_uuid = video_uuid_of(job)
    return {
        f"{field}CustomUpload": runner_uploads.upload_field(video_uuid, upload_name(job, field)) for field in fields
    }


def checked(
    job: RunnerJob, field: str, inline: bytes | None, limit: int, looks_right: Callable[[bytes], bool], what: str
) -> runner_uploads.ResultFile:
    """A result file that exists, fits and begins as it must; a refused upload is deleted
    (nothing stays of it) and the job stays the runner's."""
    found = runner_uploads.result_file(video_uuid_of(job), field, inline, upload_name(job, field))
    name = f"payload[{field}]"
    if found is None:
        raise BadRequestError(f"No result: send {name}, or upload it to {field}CustomUpload first.")
    if found.length() > limit:
        if not found.uploaded:
            raise PayloadTooLargeError(f"{name} is larger than this job's result can be.")
        found.discard()
        raise BadRequestError(f"{name} is larger than this job's result can be.")
    if not looks_right(found.start(16)):
        found.discard()
        raise BadRequestError(f"{name} is not {what}.")
    return found


def checked_mp4(job: RunnerJob, inline: bytes | None, limit: int) -> runner_uploads.ResultFile:
    """`videoFile`, an MP4: the packaging step reads work files as MP4 only (media/inputs.py)
    and would fail the video on anything else."""
    return checked(job, "videoFile", inline, limit, is_mp4, "an MP4 file")


def is_mp4(head: bytes) -> bool:
    """An ISO BMFF file begins with a box whose type is `ftyp`."""
    return len(head) >= 8 and head[4:8] == b"ftyp"


def is_playlist(head: bytes) -> bool:
    return head.startswith(b"#EXTM3U")


def is_jpeg(head: bytes) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def anything(_: bytes) -> bool:
    return True
