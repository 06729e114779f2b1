"""A studio edit's queueing and ending, shared by the studio (domain/studio.py) and the runner
jobs that may make its result (domain/runner_jobs.py), so that neither imports the other: the
transcoder or a runner writes the result to RESULT_NAME, and the work function hands it over."""

from __future__ import annotations

from typing import Any

from chalicelib.observability import logger
from chalicelib.store import queues, uploads_bucket, videos
from chalicelib.store.models import Video
from chalicelib.store.models.video import STATE_PUBLISHED
from chalicelib.store.models.video_stages import STAGE_DONE, STAGE_EDITING

EDIT = "studio-edit"  # the transcode queue messages' kinds
RESULT_NAME = "studio-result.mp4"  # the work file the edited video is written to
HAND_OVER_TASK = "studio-hand-over"  # the work queue's task that takes it over


def edited(video_id: int) -> None:
    """The edited file is in the work area; the work function, which may replace a source and
    delete published files (the transcoder may not), hands it over."""
    queues.send_work([{"task": HAND_OVER_TASK, "video": video_id}])


def queue_edit(video_uuid: str, tasks: list[dict[str, Any]], target: str | None = None) -> None:
    """The edit for the transcoder (also a runner job taken back by the Lambda fallback);
    `target`: the new video that receives the result (saveAsNewVideo)."""
    message: dict[str, Any] = {"kind": EDIT, "video": video_uuid, "tasks": tasks}
    if target is not None:
        message["target"] = target
    queues.send_transcode_steps([message])


def abandon_stalled(video_id: int) -> None:
    """The sweeper's word on an edit stuck in editing: the work function (which may delete
    files and videos) gives it up (domain/studio.py)."""
    queues.send_work([{"task": HAND_OVER_TASK, "video": video_id, "abandon": True, "stalled": True}])


def remove_work_files(video_uuid: str) -> None:
    """The task files and the result (the pipeline's own work files come later)."""
    uploads_bucket.delete_work(video_uuid)


def give_up(video: Video, reason: str) -> bool:
    """The edit failed: the video is published as it was (editing → done); a saveAsNewVideo
    copy, never published, is deleted by the work function (which may delete videos)."""
    current = videos.get_video(int(video.id))
    if current is None or current.stage != STAGE_EDITING:
        return False
    if current.published_at is None:
        queues.send_work([{"task": HAND_OVER_TASK, "video": int(current.id), "abandon": True}])
        logger.warning("studio edit failed; its new video goes", extra={"video": video.uuid, "reason": reason})
        return True
    moved = videos.transition(current, STAGE_EDITING, STAGE_DONE, [Video.state.set(STATE_PUBLISHED)])
    remove_work_files(video.uuid)
    logger.warning("studio edit failed; video left as it was", extra={"video": video.uuid, "reason": reason})
    return moved
