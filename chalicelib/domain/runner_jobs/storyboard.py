"""`generate-video-storyboard` jobs: a published video's storyboard (domain/storyboards.py)
drawn by a runner while `storyboard.remoteRunners.enabled` is on (PeerTube names the section
`storyboards`). PeerTube's payload: the input (the smallest published rendition at least a
tile large) and the sprites' grid. The sheet is a JPEG that fits the grid, stored as the
transcoder's would be. One job per publication; one that ends without a sheet leaves the
video playing without a storyboard, and the transcoder draws it when its step comes again.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from chalicelib.domain import storyboards
from chalicelib.domain.runner_jobs import files
from chalicelib.domain.runner_jobs.base import (
    JobType,
    Result,
    announce,
    derived_uuid,
    input_url,
    new_job,
    remote_runners,
    video_uuid_of,
)
from chalicelib.errors import BadRequestError, NotFoundError
from chalicelib.media.storyboard import Grid
from chalicelib.observability import logger
from chalicelib.store import runners as store
from chalicelib.store import videos
from chalicelib.store.models.runner_job_states import ACTIVE

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from chalicelib.store.models import RunnerJob, Video

NAME = "generate-video-storyboard"
PRIORITY = 100  # after transcoding (0), before transcriptions: the video plays without


def enabled() -> bool:
    """Whether the administrator gave storyboards to remote runners (PeerTube's
    `storyboards.remoteRunners.enabled`, under Cirrus's `storyboard` section)."""
    return remote_runners("storyboard").get("enabled") is True


def take(video: Video, at: datetime) -> bool:
    """With storyboards given to runners, the video's storyboard as PeerTube's
    `generate-video-storyboard` job; whether a runner has it (made now, or pending or
    processing). False: the transcoder draws it (runners off, nothing to draw, or this
    publication's job ended without a sheet, as a chunk step sent again goes to Lambda)."""
    found = storyboards.drawing(video) if enabled() else None
    if found is None:
        return False
    current, source, grid = found
    # One job per publication: the drawn file's key is new with each one.
    uuid_ = derived_uuid(current.uuid, f"storyboard/{source.key}")
    payload = {
        "input": {"videoFileUrl": input_url(uuid_, current.uuid)},
        "sprites": {
            "size": {"width": grid.sprite_width, "height": grid.sprite_height},
            "count": {"width": grid.columns, "height": grid.rows},
            "duration": grid.sprite_duration,
        },
        "output": {},
    }
    private = {"videoUUID": current.uuid, "grid": asdict(grid)}
    if store.create_job(new_job(uuid_, NAME, payload, private, at, PRIORITY)):
        announce()
        return True
    existing = store.get_job(uuid_)
    return existing is not None and int(existing.state) in ACTIVE


def _input_url(_: RunnerJob, video: Video) -> str:
    """The file as named now (the video may have gone private since the job was made)."""
    drawn = storyboards.drawing(video)
    if drawn is None:
        raise NotFoundError("Video file not found")
    return storyboards.source_url(drawn[1])


def _prepare(job: RunnerJob, _: dict[str, Any], result: Result) -> Callable[[datetime], None]:
    """PeerTube's GenerateStoryboardSuccess: the sprite sheet, a JPEG that fits the job's
    grid, stored as the transcoder's would be (domain/storyboards.py)."""
    sheet = files.checked(
        job, "storyboardFile", result.storyboard_file, files.MAX_SMALL_RESULT_BYTES, files.is_jpeg, "a JPEG image"
    )
    grid = Grid(**job.private_payload["grid"])
    jpeg = sheet.read()
    size = storyboards.sheet_size(jpeg, grid)
    if size is None:
        sheet.discard()
        raise BadRequestError("payload[storyboardFile] is not a sprite sheet of this job's tiles.")

    def finish(_at: datetime) -> None:
        sheet.discard()
        video = videos.find_video_by_uuid(video_uuid_of(job))
        if video is not None:
            storyboards.store(video, jpeg, grid, *size)

    return finish


def _ended_without_result(job: RunnerJob, reason: str) -> None:
    """The video plays on without a storyboard, as on PeerTube when its job fails."""
    logger.warning("storyboard job ended without a sheet", extra={"job": job.uuid, "reason": reason})


TYPE = JobType(
    name=NAME,
    result_fields=lambda _: ("storyboardFile",),
    input_url=_input_url,
    prepare=_prepare,
    ended_without_result=_ended_without_result,
    after_publication=True,
)
