"""`video-studio-transcoding` jobs: a studio edit (domain/studio.py) given to runners while
`videoStudio.remoteRunners.enabled` is on. PeerTube's payload: the video's input and the
tasks, each task file at its own route for the runner holding the job. The edited video is
handed over as the transcoder's would be (domain/studio_results.py); an edit that cannot
finish leaves the video published as it was; the Lambda fallback gives it back to the
transcode queue.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from chalicelib.config import get_settings
from chalicelib.domain import studio_results
from chalicelib.domain.runner_jobs import files
from chalicelib.domain.runner_jobs.base import (
    INPUT_URL_SECONDS,
    JobType,
    Result,
    input_url,
    new_job,
    processing_job_of,
    remote_runners,
    source_input_url,
    video_uuid_of,
)
from chalicelib.errors import NotFoundError
from chalicelib.store import runners as store
from chalicelib.store import uploads_bucket, videos
from chalicelib.store.models.runner_job_states import ACTIVE, ERRORED
from chalicelib.store.models.video_stages import STAGE_EDITING

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from chalicelib.domain.transcoding import Step
    from chalicelib.store.models import Runner, RunnerJob, Video

NAME = "video-studio-transcoding"


def enabled() -> bool:
    """Whether the administrator gave studio edits to remote runners (`videoStudio.remoteRunners`)."""
    return remote_runners("videoStudio").get("enabled") is True


def create_job(video: Video, tasks: list[dict[str, Any]], at: datetime) -> bool:
    """A studio edit as PeerTube's `video-studio-transcoding` job: the video's input, and the
    tasks with their files' URLs (PeerTube's RunnerJobStudioTranscodingPayload). The edit's
    result is handed over as the transcoder's would be (domain/studio.py)."""
    uuid_ = str(uuid.uuid4())
    shown = []
    for task in tasks:
        options = dict(task.get("options") or {})
        if "file" in options:
            options["file"] = task_file_route(uuid_, video.uuid, _task_file_name(str(options["file"])))
        if task["name"] == "add-watermark":
            options.update(watermarkSizeRatio=0.1, horitonzalMarginRatio=0.05, verticalMarginRatio=0.05)
        if task["name"] == "remove-segments":
            options["segments"] = [{"start": start, "end": end} for start, end in options["segments"]]
        shown.append({"name": task["name"], "options": options})
    payload = {
        "input": {"videoFileUrl": input_url(uuid_, video.uuid), "separatedAudioFileUrl": []},
        "tasks": shown,
        "output": {},
    }
    return store.create_job(new_job(uuid_, NAME, payload, {"videoUUID": video.uuid, "tasks": tasks}, at))


def _task_file_name(work_name: str) -> str:
    return work_name.rsplit("/", 1)[-1]


def task_file_route(job_uuid: str, video_uuid: str, filename: str) -> str:
    base = get_settings().instance_url
    return f"{base}/api/v1/runners/jobs/{job_uuid}/files/videos/{video_uuid}/studio/task-files/{filename}"


def task_file_url(runner: Runner, job_uuid: str, video_uuid: str, filename: str, body: dict[str, Any]) -> str:
    """A presigned URL of one of a studio job's task files, for the runner holding the job."""
    job, _ = processing_job_of(runner, job_uuid, body)
    if job.type != NAME or job.private_payload.get("videoUUID") != video_uuid:
        raise NotFoundError("Unknown video of this job")
    for task in job.private_payload.get("tasks") or []:
        work_name = (task.get("options") or {}).get("file")
        if isinstance(work_name, str) and _task_file_name(work_name) == filename:
            return uploads_bucket.work_url(video_uuid, work_name, INPUT_URL_SECONDS)
    raise NotFoundError("Unknown task file of this job")


def fail_jobs(video_uuid: str, reason: str, at: datetime) -> int:
    """A studio edit given up (the sweeper found it stuck): its job, pending or with a runner,
    errors, so that no runner works on it any more; how many did. Two bounded Queries (RN6,
    RN7): this happens rarely, never on a request's path."""
    candidates = [*store.pending_jobs(NAME, 100), *store.processing_since(at, 100)]
    ended = 0
    for job in candidates:
        payload = job.private_payload or {}
        if job.type != NAME or payload.get("videoUUID") != video_uuid or int(job.state) not in ACTIVE:
            continue
        if store.move_job(job, from_states=ACTIVE, to_state=ERRORED, now=at, finished_at=at, error=reason):
            ended += 1
    return ended


def _prepare(job: RunnerJob, _: dict[str, Any], result: Result) -> Callable[[datetime], None]:
    """The edited video (PeerTube's VideoStudioTranscodingSuccess), handed over once in place."""
    video = files.checked_mp4(job, result.video_file, files.MAX_WHOLE_RESULT_BYTES)

    def finish(_at: datetime) -> None:
        video.put(studio_results.RESULT_NAME)
        video.discard()
        _edited(video_uuid_of(job))

    return finish


def _edited(video_uuid: str) -> None:
    """A studio job's result is in place: handed over as the transcoder's would be."""
    video = videos.find_video_by_uuid(video_uuid)
    if video is not None and video.stage == STAGE_EDITING:
        studio_results.edited(int(video.id))


def _ended_without_result(job: RunnerJob, reason: str) -> None:
    """An edit that cannot finish leaves the video as it was (domain/studio.py)."""
    video = videos.find_video_by_uuid(str(job.private_payload.get("videoUUID")))
    if video is not None:
        studio_results.give_up(video, reason, list((job.private_payload or {}).get("tasks") or []))


def _fall_back(job: RunnerJob) -> list[Step]:
    """Lambda does the edit: the transcode queue's studio message, no chunk steps."""
    studio_results.queue_edit(video_uuid_of(job), list(job.private_payload["tasks"]))
    return []


TYPE = JobType(
    name=NAME,
    result_fields=lambda _: ("videoFile",),
    input_url=source_input_url,
    prepare=_prepare,
    ended_without_result=_ended_without_result,
    fall_back=_fall_back,
)
