"""Lambda entry point of the sweeper, run on a schedule: local videos that stopped on their
way to publication are resumed, or failed visibly, never left "To transcode" for ever.

A video stalls when a crash falls between two writes (a step counted, the stage not moved
on), when messages are lost (a step's last attempt died without a word, a queue redriven
after its files expired), or when the ingest never ran (S3's event invocation gave up).
The pending list (V10) holds each such video under its last progress; what to do comes
from `domain/transcoding.resume`, at most MAX_RESUMES times.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib import subscribers
from chalicelib.config import get_settings
from chalicelib.domain import resumable, studio_results
from chalicelib.domain.transcoding import give_up, resume
from chalicelib.media.probe import ProbeError
from chalicelib.observability import count, logger
from chalicelib.store import uploads_bucket, videos
from chalicelib.store.models.video_stages import STAGE_EDITING
from functions.entry import lambda_entry
from functions.transcoder import steps
from functions.transcoder.handler import send_steps

if TYPE_CHECKING:
    from chalicelib.store.models import Video


@lambda_entry(subscribers.register)
def handle_schedule(event: dict[str, Any], context: Any) -> dict[str, int]:
    return sweep(datetime.now(UTC))


def sweep(now: datetime) -> dict[str, int]:
    """Resume or fail every video without progress for the stall period; counts by outcome."""
    outcomes: dict[str, int] = {}
    stalled_since = now - timedelta(seconds=get_settings().transcoding_stall_seconds)
    for video in videos.list_stalled(stalled_since):
        try:
            outcome = _sweep_one(video, now)
        except Exception:
            # One video's trouble must not stop the sweep of the others; its resumption
            # was counted, so it fails for good after MAX_RESUMES sweeps.
            logger.exception("sweeping a stalled video failed", extra={"video": video.uuid})
            outcome = "error"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        logger.info("stalled video swept", extra={"video": video.uuid, "stage": video.stage, "outcome": outcome})
    for outcome, number in outcomes.items():
        count(f"VideosSwept{outcome.capitalize()}", number)
    return outcomes


def _sweep_one(video: Video, now: datetime) -> str:
    if video.stage == STAGE_EDITING:
        return _give_up_edit(video)
    uploading = now - video.created_at < resumable.SESSION_LIFETIME
    source_present = bool(video.source_key) and uploads_bucket.source_exists(str(video.source_key))
    plan = resume(video, uploading=uploading, source_present=source_present)
    if plan.waiting:
        return "waiting"
    if plan.failure is not None:
        give_up(video, plan.failure)  # a video published already is completed instead
        return "failed"
    # Counted before acting: a resumption that crashes still counts towards MAX_RESUMES.
    if not videos.mark_resumed(video):
        return "moved"  # it progressed meanwhile
    if plan.ingest:
        try:
            send_steps(steps.ingest(video))
        except ProbeError as error:
            videos.fail(video, f"The uploaded file cannot be played: {error}")
            return "failed"
    if plan.steps:
        send_steps(list(plan.steps))
    return "resumed"


def _give_up_edit(video: Video) -> str:
    """A studio edit without progress for the stall period: the work function gives it up
    (the video published as it was, its runner job errored). Counted as a resumption first,
    so a lost message is sent again at the next period only."""
    if not videos.mark_resumed(video):
        return "moved"
    studio_results.abandon_stalled(int(video.id))
    return "abandoned"
