"""What every job type shares: the shape of a type's module (JobType), a new job item, its
UUID and input URL, the `available-jobs` news, and finding the job a runner's call names.

A job type's module (vod_hls.py, studio_edit.py, transcription.py, storyboard.py) makes its
jobs and says, through its JobType, which files its runner sends back, where its input is,
what its success does and what its end without a result does; lifecycle.py moves every job
through the same states (store/models/runner_job_states.py) whatever its type.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.config import get_settings
from chalicelib.domain import custom_config, runners
from chalicelib.errors import BadRequestError, NotFoundError, ValidationError
from chalicelib.observability import logger
from chalicelib.store import runners as store
from chalicelib.store import uploads_bucket
from chalicelib.store.models import RunnerJob
from chalicelib.store.models.runner_job_states import PENDING, PROCESSING

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.domain.transcoding import Step
    from chalicelib.store.models import Runner, Video


@dataclass(frozen=True)
class Result:
    """What a runner sends with `success`: each file in the body, or None (it used the
    file's custom upload URL, or sent nothing)."""

    video_file: bytes | None
    vtt_file: bytes | None = None  # a transcription's `payload[vttFile]`
    playlist_file: bytes | None = None  # a rendition's `payload[resolutionPlaylistFile]`
    storyboard_file: bytes | None = None  # a storyboard's `payload[storyboardFile]`


# A success's checks, given the job, the `success` body and its files: they raise a 4xx
# while the job is still the runner's (nothing moved), and return what to do, at the
# success's time, once the job is completing (the result put in place, its effects).
Prepare = Callable[[RunnerJob, dict[str, Any], Result], Callable[["datetime"], None]]


@dataclass(frozen=True)
class JobType:
    """One kind of runner job, as lifecycle.py sees it (registered in registry.py)."""

    name: str  # PeerTube's type name
    # PeerTube's result fields this job's runner sends (`videoFile`, ...), each offered a
    # custom upload URL at acceptance.
    result_fields: Callable[[RunnerJob], tuple[str, ...]]
    # A presigned URL of the input for the runner holding the job (the video exists).
    input_url: Callable[[RunnerJob, Video], str]
    prepare: Prepare
    # The job ended without a result (errors, a cancel), with the reason for the video.
    ended_without_result: Callable[[RunnerJob, str], None]
    # The steps Lambda does instead when no runner took the job in time; None: never.
    fall_back: Callable[[RunnerJob], list[Step]] | None = None
    asked_for_only: bool = False  # offered only to a runner naming the type
    after_publication: bool = False  # for a published video: not ended by its settling


INPUT_URL_SECONDS = 6 * 3600
# Job UUIDs are derived from what the job does, so the same work asked for again (a step
# redelivered, the sweeper) finds its job instead of making a second one.
_JOB_NAMESPACE = uuid.UUID("5f6c2a1e-8d0b-4c7e-9a53-6e2d7f1b9c40")


def derived_uuid(video_uuid: str, name: str) -> str:
    return str(uuid.uuid5(_JOB_NAMESPACE, f"{video_uuid}/{name}"))


def remote_runners(section: str) -> dict[str, Any]:
    """The custom configuration's `<section>.remoteRunners` (one GetItem)."""
    found = custom_config.current(get_settings()).custom.get(section, {})
    return dict(found.get("remoteRunners") or {})


def new_job(
    uuid_: str,
    job_type: str,
    payload: dict[str, Any],
    private_payload: dict[str, Any],
    at: datetime,
    priority: int = 0,
) -> RunnerJob:
    """A pending job, never tried; `private_payload` names its video (`videoUUID`)."""
    return RunnerJob(
        uuid=uuid_,
        type=job_type,
        state=PENDING,
        priority=priority,
        payload=payload,
        private_payload=private_payload,
        failures=0,
        attempt=0,
        created_at=at,
        updated_at=at,
    )


def input_url(job_uuid: str, video_uuid: str) -> str:
    """PeerTube's input route for a job (api/runners.py answers it with a redirect)."""
    return f"{get_settings().instance_url}/api/v1/runners/jobs/{job_uuid}/files/videos/{video_uuid}/max-quality"


def source_input_url(_: RunnerJob, video: Video) -> str:
    """The video's source as uploaded (a transcoding or an edit reads it)."""
    if not video.source_key:
        raise NotFoundError("Video not found")
    return uploads_bucket.source_url(str(video.source_key), INPUT_URL_SECONDS)


def video_uuid_of(job: RunnerJob) -> str:
    return str(job.private_payload["videoUUID"])


def announce() -> None:
    """PeerTube's `available-jobs` to the connected runners (socket.io `/runners`): its
    runner asks for jobs only when told, when it starts, and after a job of its own."""
    from chalicelib.store import realtime

    try:
        realtime.publish_to_runners("available-jobs")
    except Exception as error:  # a push is news, never worth losing a job over
        logger.warning("available-jobs not pushed", extra={"reason": str(error)})


def find_job(job_uuid: str) -> RunnerJob:
    job = store.get_job(job_uuid) if _is_uuid(job_uuid) else None
    if job is None:
        raise NotFoundError("Unknown runner job", code="unknown_runner_job")
    return job


def processing_job_of(runner: Runner, job_uuid: str, body: dict[str, Any]) -> tuple[RunnerJob, str]:
    """The job, when this runner holds it with the job token the body carries; and the
    token's hash, which every later move of the job is conditional on."""
    token = body.get("jobToken")
    if not isinstance(token, str) or not token:
        raise ValidationError({"jobToken": "Invalid value"})
    job = find_job(job_uuid)
    token_hash = runners.token_hash(token)
    if job.runner_id is None or int(job.runner_id) != int(runner.id) or job.job_token_hash != token_hash:
        raise NotFoundError("Unknown runner job", code="unknown_runner_job")
    if int(job.state) != PROCESSING:
        raise not_processing()
    return job, token_hash


def not_processing() -> BadRequestError:
    return BadRequestError("Job is not in processing state", code="runner_job_not_in_processing_state")


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
