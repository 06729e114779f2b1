"""A studio edit's queueing and ending, shared by the studio (domain/studio.py) and the runner
jobs that may make its result (domain/runner_jobs/), so that neither imports the other: the
transcoder or a runner writes the result to RESULT_NAME, and the work function hands it over."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chalicelib.observability import logger
from chalicelib.store import queues, uploads_bucket, videos
from chalicelib.store.models import Video
from chalicelib.store.models.video import STATE_PUBLISHED
from chalicelib.store.models.video_stages import STAGE_DONE, STAGE_EDITING

EDIT = "studio-edit"  # the transcode queue messages' kinds
RESULT_NAME = "studio-result.mp4"  # the work file the edited video is written to
HAND_OVER_TASK = "studio-hand-over"  # the work queue's task that takes it over
# A chunked edit's pieces, audio and plan, in its target's work area (domain/studio_chunks.py):
# one edit at a time per target, so a finished or failed edit deletes the whole folder.
CHUNKS_FOLDER = "studio-chunks/"


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


TASK_FILE_PREFIX = "studio/"  # an edit's files: studio/<its own random id>/<i>-<task>


def remove_task_files(video_uuid: str, tasks: Sequence[Any]) -> None:
    """An edit's files (and its check's verdict), in the edited video's work area: its own
    folder only, never another edit's (a saveAsNewVideo edit of the same video may run)."""
    for folder in {_folder(task) for task in tasks} - {None}:
        uploads_bucket.delete_work_prefix(video_uuid, str(folder))


def _folder(task: Any) -> str | None:
    name = (task.get("options") or {}).get("file") if isinstance(task, dict) else None
    if not isinstance(name, str) or not name.startswith(TASK_FILE_PREFIX) or ".." in name or name.count("/") != 2:
        return None
    return name.rsplit("/", 1)[0] + "/"


def give_up(video: Video, reason: str, tasks: Sequence[Any] = ()) -> bool:
    """The edit failed: the video is published as it was (editing → done); a saveAsNewVideo
    copy, never published, is deleted by the work function (which may delete videos). Only
    this edit's files go: its result, its chunks if it ran in chunks, and its `tasks`' folder
    (the lifecycle rule of the work area takes what an edit whose tasks are unknown leaves)."""
    current = videos.get_video(int(video.id))
    if current is None or current.stage != STAGE_EDITING:
        return False
    uploads_bucket.delete_work_prefix(video.uuid, CHUNKS_FOLDER)
    if current.published_at is None:
        queues.send_work([{"task": HAND_OVER_TASK, "video": int(current.id), "abandon": True}])
        logger.warning("studio edit failed; its new video goes", extra={"video": video.uuid, "reason": reason})
        return True
    moved = videos.transition(current, STAGE_EDITING, STAGE_DONE, [Video.state.set(STATE_PUBLISHED)])
    uploads_bucket.delete_work_file(video.uuid, RESULT_NAME)
    remove_task_files(video.uuid, tasks)
    logger.warning("studio edit failed; video left as it was", extra={"video": video.uuid, "reason": reason})
    return moved
