"""A runner job's life, the same for every type (PeerTube's runner protocol): a runner asks
for jobs, accepts one, reports progress, and ends it with a success, an error or an abort; the
sweeper puts stalled jobs back and, with a fallback set, gives unclaimed ones to Lambda; an
administrator cancels or deletes one. What differs by type (its result files, its input, what
its success and its end without a result do) is its JobType (registry.py).

Every move is one conditional write (store/runners.py `move_job`, which refuses a move the
state table does not declare, store/models/runner_job_states.py): a job is accepted once,
and only the runner holding its current job token may report on it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.config import get_settings
from chalicelib.domain import runners, transcoding
from chalicelib.domain.runner_jobs import files
from chalicelib.domain.runner_jobs.base import Result, announce, find_job, not_processing, processing_job_of
from chalicelib.domain.runner_jobs.registry import JOB_TYPES, OFFERED_TYPES, TYPES, type_of
from chalicelib.domain.runner_jobs.vod_hls import lambda_fallback_seconds
from chalicelib.errors import BadRequestError, ConflictError, NotFoundError, ValidationError
from chalicelib.observability import logger
from chalicelib.store import runners as store
from chalicelib.store import videos
from chalicelib.store.models.runner_job_states import (
    ACTIVE,
    CANCELLED,
    COMPLETED,
    COMPLETING,
    ERRORED,
    PENDING,
    PROCESSING,
)

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.domain.transcoding import Step
    from chalicelib.store.models import Runner, RunnerJob

MAX_FAILURES = 5  # PeerTube's RUNNER_JOBS.MAX_FAILURES
AVAILABLE_JOBS = 10  # PeerTube offers at most this many jobs per request
STALLED_PER_SWEEP = 100
MAX_ERROR_LENGTH = 5000
CANCELLED_BY_ADMINISTRATOR = "Transcoding was cancelled by an administrator."


# The runner's calls


def request(runner: Runner, body: dict[str, Any]) -> list[dict[str, Any]]:
    """Up to AVAILABLE_JOBS pending jobs of the types asked for (a Query per type offered).
    A runner naming no types gets every type but those offered only when asked for."""
    wanted = body.get("jobTypes")
    if wanted is not None and (not isinstance(wanted, list) or not all(t in JOB_TYPES for t in wanted)):
        raise ValidationError({"jobTypes": "Invalid value"})
    types = [t for t in OFFERED_TYPES if (t in wanted if wanted is not None else not TYPES[t].asked_for_only)]
    found: list[RunnerJob] = []
    for job_type in types:
        found += store.pending_jobs(job_type, AVAILABLE_JOBS - len(found))
        if len(found) >= AVAILABLE_JOBS:
            break
    return [{"uuid": job.uuid, "type": job.type, "payload": job.payload} for job in found]


def accept(runner: Runner, job_uuid: str, at: datetime) -> tuple[RunnerJob, str]:
    """The job, now the runner's, and its job token (shown once)."""
    job = find_job(job_uuid)
    if int(job.state) != PENDING:
        raise _not_pending()
    video = videos.find_video_by_uuid(str(job.private_payload.get("videoUUID")))
    gone = video is None or (not type_of(job).after_publication and video.stage in transcoding.SETTLED_STAGES)
    if gone:
        # Its video was deleted or failed meanwhile: nothing left to do, for anyone.
        store.move_job(job, from_states=(PENDING,), to_state=CANCELLED, now=at, finished_at=at)
        raise _not_pending()
    token = runners.new_token(runners.JOB_PREFIX)
    moved = store.move_job(
        job,
        from_states=(PENDING,),
        to_state=PROCESSING,
        now=at,
        runner_id=int(runner.id),
        runner_name=runner.name,
        runner_description=runner.description,
        job_token_hash=runners.token_hash(token),
        started_at=at,
        progress=0,
        attempt=int(job.attempt or 0) + 1,
    )
    if not moved:
        raise _not_pending()
    return job, token  # as stored now: the update read it back


def accepted_payload(job: RunnerJob) -> dict[str, Any]:
    """The payload with where this acceptance's result files go (PeerTube's custom upload
    fields, one presigned S3 PUT per file)."""
    payload = dict(job.payload)
    output = dict(payload.get("output") or {})
    output.update(files.upload_fields(job, type_of(job).result_fields(job)))
    payload["output"] = output
    return payload


def update(runner: Runner, job_uuid: str, body: dict[str, Any], at: datetime) -> None:
    """Progress news: the job is alive (and off the stall sweep's list for a while)."""
    job, token_hash = processing_job_of(runner, job_uuid, body)
    progress = body.get("progress")
    if progress is not None and (
        isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100
    ):
        raise ValidationError({"progress": "Invalid value"})
    fields: dict[str, Any] = {} if progress is None else {"progress": progress}
    if not store.move_job(job, from_states=(PROCESSING,), to_state=PROCESSING, now=at, token_hash=token_hash, **fields):
        raise not_processing()


def input_file_url(runner: Runner, job_uuid: str, video_uuid: str, body: dict[str, Any]) -> str:
    """A presigned URL of the job's input, for the runner holding the job only."""
    job, _ = processing_job_of(runner, job_uuid, body)
    if job.private_payload.get("videoUUID") != video_uuid:
        raise NotFoundError("Unknown video of this job")
    video = videos.find_video_by_uuid(video_uuid)
    if video is None:
        raise NotFoundError("Video not found")
    return type_of(job).input_url(job, video)


def success(runner: Runner, job_uuid: str, body: dict[str, Any], result: Result, at: datetime) -> None:
    """The result, checked while the job is still the runner's (a refusal leaves it so), then
    in place and its effects done while the job is completing."""
    job, token_hash = processing_job_of(runner, job_uuid, body)
    finish = type_of(job).prepare(job, body, result)
    if not store.move_job(job, from_states=(PROCESSING,), to_state=COMPLETING, now=at, token_hash=token_hash):
        raise not_processing()
    finish(at)
    store.move_job(job, from_states=(COMPLETING,), to_state=COMPLETED, now=at, finished_at=at, progress=100)


def error(runner: Runner, job_uuid: str, body: dict[str, Any], at: datetime) -> None:
    """The runner failed: pending again for another try, or errored after MAX_FAILURES
    (and the job ends without a result: a transcoding's video fails, visibly, as after a
    Lambda step's last attempt)."""
    message = body.get("message")
    if not isinstance(message, str):
        raise ValidationError({"message": "Invalid value"})
    job, token_hash = processing_job_of(runner, job_uuid, body)
    failures = int(job.failures or 0) + 1
    message = message[:MAX_ERROR_LENGTH]
    if failures < MAX_FAILURES:
        if not _release(job, at, token_hash, failures, message):
            raise not_processing()
        announce()
        return
    if not store.move_job(
        job, from_states=(PROCESSING,), to_state=ERRORED, now=at, token_hash=token_hash,
        failures=failures, error=message, finished_at=at,
    ):  # fmt: skip
        raise not_processing()
    type_of(job).ended_without_result(job, f"Transcoding failed on remote runners: {message[:200]}")


def abort(runner: Runner, job_uuid: str, body: dict[str, Any], at: datetime) -> None:
    """The runner gives the job back (it is stopping): pending again, no failure counted."""
    if not isinstance(body.get("reason"), str):
        raise ValidationError({"reason": "Invalid value"})
    job, token_hash = processing_job_of(runner, job_uuid, body)
    if not _release(job, at, token_hash, int(job.failures or 0), job.error):
        raise not_processing()
    announce()


def _release(job: RunnerJob, at: datetime, token_hash: str, failures: int, message: str | None) -> bool:
    """Back to pending while the holder's token is the one given, its runner and token
    forgotten; False when the job moved meanwhile."""
    return store.move_job(
        job,
        from_states=(PROCESSING,),
        to_state=PENDING,
        now=at,
        token_hash=token_hash,
        failures=failures,
        error=message,
        runner_id=None,
        runner_name=None,
        runner_description=None,
        job_token_hash=None,
        progress=None,
        started_at=None,
    )


def _not_pending() -> ConflictError:
    return ConflictError("This job is not in pending state anymore", code="runner_job_not_in_pending_state")


# The sweeper's


def sweep_stalled(at: datetime) -> int:
    """Processing jobs without news for the stall time go back to pending; how many."""
    before = at - timedelta(seconds=get_settings().runner_stall_seconds)
    moved = 0
    for job in store.processing_since(before, STALLED_PER_SWEEP):
        # Conditional on the token it held: a job updated or finished meanwhile stays.
        if _release(job, at, str(job.job_token_hash), int(job.failures or 0), job.error):
            moved += 1
            logger.info("stalled runner job back to pending", extra={"job": job.uuid})
    if moved:
        announce()
    return moved


def fall_back_to_lambda(at: datetime) -> list[Step]:
    """With a fallback set, pending jobs older than it are taken back from the runners
    (one conditional write each: a runner accepting at that moment wins or loses cleanly)
    and given to Lambda: their steps, for the transcode queue. Only the types Lambda can do
    (no transcription: it has no engine; no storyboard: runners draw them, as on PeerTube)."""
    seconds = lambda_fallback_seconds()
    if seconds is None:
        return []
    before = at - timedelta(seconds=seconds)
    reason = f"No runner took it within {seconds} seconds: transcoded by the instance."
    steps: list[Step] = []
    for job_type in TYPES.values():
        if job_type.fall_back is None:
            continue
        for job in store.pending_since(job_type.name, before, STALLED_PER_SWEEP):
            if store.move_job(job, from_states=(PENDING,), to_state=CANCELLED, now=at, finished_at=at, error=reason):
                steps += job_type.fall_back(job)
    return steps


# Administration


def cancel(job_uuid: str, at: datetime) -> None:
    """The job ends without a result (a transcoding's video cannot finish, so it fails now)."""
    job = find_job(job_uuid)
    if int(job.state) not in ACTIVE:
        raise BadRequestError("Cannot cancel this job that is not in pending, processing or completing state")
    _cancel_active(job, at)


def delete(job_uuid: str, at: datetime) -> None:
    """The job forgotten, cancelled first when it was still active."""
    job = find_job(job_uuid)
    if int(job.state) in ACTIVE:
        _cancel_active(job, at)
    store.delete_job(job)


def _cancel_active(job: RunnerJob, at: datetime) -> None:
    if store.move_job(job, from_states=ACTIVE, to_state=CANCELLED, now=at, finished_at=at):
        type_of(job).ended_without_result(job, CANCELLED_BY_ADMINISTRATOR)


def list_jobs(start: int, count: int, newest_first: bool, states: set[int] | None) -> tuple[int, list[RunnerJob]]:
    """The administrators' list; a state filter reads the 2,000 newest jobs and filters them."""
    if not states:
        return store.count_jobs(), store.list_jobs(start, count, newest_first)
    matching = [j for j in store.list_jobs(0, 2000, newest_first) if int(j.state) in states]
    return len(matching), matching[start : start + count]
