"""Runner jobs: transcoding steps handed to PeerTube-style remote runners instead of Lambda,
and transcriptions (`video-transcription`, domain/transcriptions.py), which only runners do.

With `transcoding.remoteRunners.enabled` in the custom configuration, the chunk steps of
the pipeline (domain/transcoding.py) become `vod-hls-transcoding` jobs; the original, the
audio, the images and the packaging stay Lambda's. Two shapes:

- By default, PeerTube's: one job per rendition (its chunk steps together), the whole video
  at one resolution, which PeerTube's own `peertube-runner` does as it is. Its result (a
  fragmented MP4 with its playlist) is kept as the rendition's work file, and the packaging
  step re-segments it (stream copy) as it joins chunks.
- With `transcoding.remoteRunners.cirrusChunks` (Cirrus's own), one job per chunk step, so
  many runners work on one video at once; only Cirrus's runner (tools/runner) reads the
  chunk (`output.cirrusChunk`). Its result is the same work file the Lambda step writes.

Either way the steps are counted by the same `step_done`, so packaging and publication
follow as they always do.

    pending ──accept──► processing ──success──► completing ──► completed
       ▲                   │  │
       └── error (< 5), ───┘  └── error (5th) ──► errored (the video fails)
           abort, stalled                  cancel (administrator) ──► cancelled

Every move is one conditional write (store/runners.py): a job is accepted once, and only
the runner holding its current job token may report on it. A runner's result files go to
S3 over presigned URLs named per acceptance (PeerTube's custom upload fields,
domain/runner_uploads.py: no API body limit; a runner that stalled and came back late writes
where nobody reads), and are checked and copied into place at success.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.config import get_settings
from chalicelib.domain import (
    custom_config,
    runner_uploads,
    runners,
    storyboards,
    studio_results,
    transcoding,
    transcription_results,
)
from chalicelib.domain.transcoding import CHUNK, Step
from chalicelib.errors import BadRequestError, ConflictError, NotFoundError, PayloadTooLargeError, ValidationError
from chalicelib.media.storyboard import Grid
from chalicelib.observability import logger
from chalicelib.store import queues, uploads_bucket, videos
from chalicelib.store import runners as store
from chalicelib.store.models import RunnerJob
from chalicelib.store.runners import CANCELLED, COMPLETED, COMPLETING, ERRORED, PENDING, PROCESSING

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalicelib.store.models import Runner, Video

VOD_WEB_VIDEO, VOD_HLS, VOD_AUDIO_MERGE = (
    "vod-web-video-transcoding",
    "vod-hls-transcoding",
    "vod-audio-merge-transcoding",
)
STUDIO = "video-studio-transcoding"
JOB_TYPES = (
    VOD_WEB_VIDEO,
    VOD_HLS,
    VOD_AUDIO_MERGE,
    "live-rtmp-hls-transcoding",
    STUDIO,
    "video-transcription",
    "generate-video-storyboard",
)
TRANSCRIPTION = "video-transcription"
STORYBOARD = "generate-video-storyboard"
# The types Cirrus makes jobs of; a request for others reads nothing. A transcription job
# goes only to a runner that names its type: one that asks for "anything" may have no
# speech-to-text engine.
OFFERED_TYPES = (VOD_HLS, STUDIO, TRANSCRIPTION, STORYBOARD)
ASKED_FOR_ONLY = (TRANSCRIPTION,)
AFTER_PUBLICATION = (TRANSCRIPTION, STORYBOARD)  # jobs for a published video: not ended by it
TRANSCRIPTION_PRIORITY = 200  # PeerTube's JOB_PRIORITY.TRANSCRIPTION
STORYBOARD_PRIORITY = 100  # after transcoding (0), before transcriptions: the video plays without
STATE_LABELS = {
    1: "Pending",
    2: "Processing",
    3: "Completed",
    4: "Errored",
    5: "Waiting for parent job",
    6: "Cancelled",
    7: "Parent had an error",
    8: "Parent has been cancelled",
    9: "Completing",
}
ACTIVE = (PENDING, PROCESSING, COMPLETING)
MAX_FAILURES = 5  # PeerTube's RUNNER_JOBS.MAX_FAILURES
AVAILABLE_JOBS = 10  # PeerTube offers at most this many jobs per request
INPUT_URL_SECONDS = 6 * 3600
STALLED_PER_SWEEP = 100
MAX_ERROR_LENGTH = 5000
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
# Job UUIDs are derived from the step, so a step sent again (a redelivery, the sweeper)
# finds its job instead of making a second one.
_JOB_NAMESPACE = uuid.UUID("5f6c2a1e-8d0b-4c7e-9a53-6e2d7f1b9c40")


def _settings() -> dict[str, Any]:
    """The custom configuration's `transcoding.remoteRunners` (one GetItem)."""
    section = custom_config.current(get_settings()).custom.get("transcoding", {})
    return dict(section.get("remoteRunners") or {})


def enabled() -> bool:
    """Whether the administrator gave transcoding to remote runners."""
    return _settings().get("enabled") is True


def chunked() -> bool:
    """Whether runner jobs are chunks (Cirrus's runner only) rather than whole renditions."""
    return _settings().get("cirrusChunks") is True


def lambda_fallback_seconds() -> int | None:
    """How long a job may wait for a runner before Lambda does it; None: runners only."""
    remote = _settings()
    seconds = remote.get("lambdaFallbackSeconds")
    return int(seconds) if remote.get("enabled") is True and isinstance(seconds, int) else None


def take_steps(steps: list[Step], at: datetime) -> list[Step]:
    """Give the chunk steps to runners when they are enabled; the steps left for Lambda.

    A step whose job already exists is the same step sent again (only the sweeper sends a
    step again, hours later): it stays with its job while that is pending or processing, and
    goes to Lambda otherwise (the Lambda fallback took it back, or a success died half-way).
    """
    chunks = [step for step in steps if step.kind == CHUNK]
    if not chunks or not enabled():
        return steps
    left = [step for step in steps if step.kind != CHUNK]
    by_job: dict[tuple[str, str], list[Step]] = {}
    whole = not chunked()
    for step in chunks:
        name = f"rendition-{step.resolution}" if whole else step.name
        by_job.setdefault((step.video_uuid, name), []).append(step)
    by_video: dict[str, Video | None] = {}
    created = False
    for (video_uuid, name), job_steps in by_job.items():
        if video_uuid not in by_video:
            by_video[video_uuid] = videos.find_video_by_uuid(video_uuid)
        video = by_video[video_uuid]
        if video is None or not video.plan:
            continue
        made = create_rendition_job(video, job_steps, at) if whole else create_chunk_job(video, job_steps[0], at)
        created = created or made
        if made:
            continue
        existing = store.get_job(_job_uuid(video_uuid, name))
        # Completing for longer than a success takes is a success that died half-way.
        if existing is None or int(existing.state) not in (PENDING, PROCESSING):
            left += job_steps
    if created:
        announce()
    return left


def announce() -> None:
    """PeerTube's `available-jobs` to the connected runners (socket.io `/runners`): its
    runner asks for jobs only when told, when it starts, and after a job of its own."""
    from chalicelib.store import realtime

    try:
        realtime.publish_to_runners("available-jobs")
    except Exception as error:  # a push is news, never worth losing a job over
        logger.warning("available-jobs not pushed", extra={"reason": str(error)})


def job_uuid(step: Step) -> str:
    return _job_uuid(step.video_uuid, step.name)


def _job_uuid(video_uuid: str, name: str) -> str:
    return str(uuid.uuid5(_JOB_NAMESPACE, f"{video_uuid}/{name}"))


def rendition_job_uuid(video_uuid: str, resolution: int) -> str:
    return _job_uuid(video_uuid, f"rendition-{resolution}")


def create_rendition_job(video: Video, steps: list[Step], at: datetime) -> bool:
    """One rendition of the whole video as PeerTube's `vod-hls-transcoding` job (its
    RunnerJobVODHLSTranscodingPayload: the audio in the rendition, as PeerTube 6 and 7 make
    it without separated audio); it stands for the rendition's chunk steps."""
    resolution = int(steps[0].resolution or 0)
    rendition = next(r for r in transcoding.renditions_of(video.plan) if r.resolution == resolution)
    uuid_ = rendition_job_uuid(video.uuid, resolution)
    payload = {
        "input": {"videoFileUrl": input_url(uuid_, video.uuid), "separatedAudioFileUrl": []},
        "output": {"resolution": rendition.resolution, "fps": rendition.fps, "separatedAudio": False},
    }
    job = RunnerJob(
        uuid=uuid_,
        type=VOD_HLS,
        state=PENDING,
        priority=0,
        payload=payload,
        private_payload={"videoUUID": video.uuid, "steps": [step.to_message() for step in steps]},
        failures=0,
        attempt=0,
        created_at=at,
        updated_at=at,
    )
    return store.create_job(job)


def _steps_of(job: RunnerJob) -> list[Step]:
    """The chunk steps a transcoding job stands for: one chunk, or a whole rendition's."""
    if "steps" in job.private_payload:
        return [Step.from_message(body) for body in job.private_payload["steps"]]
    return [Step.from_message(job.private_payload["step"])]


def _is_rendition(job: RunnerJob) -> bool:
    return job.type == VOD_HLS and "steps" in job.private_payload


def create_chunk_job(video: Video, step: Step, at: datetime) -> bool:
    plan = video.plan
    rendition = next(r for r in transcoding.renditions_of(plan) if r.resolution == step.resolution)
    chunk = transcoding.chunks_of(plan)[int(step.chunk or 0)]
    info = transcoding.source_info(plan)
    uuid_ = job_uuid(step)
    payload = {
        "input": {"videoFileUrl": input_url(uuid_, video.uuid), "separatedAudioFileUrl": []},
        "output": {
            "resolution": rendition.resolution,
            "fps": rendition.fps,
            "separatedAudio": True,
            # Cirrus's own: the part of the source this job encodes, and the rendition's
            # encoding, so that its result joins the other chunks seamlessly.
            "cirrusChunk": {"index": chunk.index, "start": chunk.start, "end": chunk.end},
            "cirrusRendition": {
                "resolution": rendition.resolution,
                "width": rendition.width,
                "height": rendition.height,
                "fps": rendition.fps,
                "maxBitrate": rendition.max_bitrate,
                "crf": rendition.crf,  # the content-aware ladder's (media/ladder.py)
                "portrait": info.height > info.width,
            },
        },
    }
    job = RunnerJob(
        uuid=uuid_,
        type=VOD_HLS,
        state=PENDING,
        priority=0,
        payload=payload,
        private_payload={"videoUUID": video.uuid, "step": step.to_message()},
        failures=0,
        attempt=0,
        created_at=at,
        updated_at=at,
    )
    return store.create_job(job)


def studio_enabled() -> bool:
    """Whether the administrator gave studio edits to remote runners (`videoStudio.remoteRunners`)."""
    section = custom_config.current(get_settings()).custom.get("videoStudio", {})
    return (section.get("remoteRunners") or {}).get("enabled") is True


def create_studio_job(video: Video, tasks: list[dict[str, Any]], at: datetime) -> bool:
    """A studio edit as PeerTube's `video-studio-transcoding` job: the video's input, and the
    tasks with their files' URLs (PeerTube's RunnerJobStudioTranscodingPayload). The edit's
    result is handed over as the transcoder's would be (domain/studio.py)."""
    uuid_ = str(uuid.uuid4())
    shown = []
    for task in tasks:
        options = dict(task.get("options") or {})
        if "file" in options:
            options["file"] = studio_file_url(uuid_, video.uuid, _task_file_name(str(options["file"])))
        if task["name"] == "add-watermark":
            options.update(watermarkSizeRatio=0.1, horitonzalMarginRatio=0.05, verticalMarginRatio=0.05)
        if task["name"] == "remove-segments":
            options["segments"] = [{"start": start, "end": end} for start, end in options["segments"]]
        shown.append({"name": task["name"], "options": options})
    job = RunnerJob(
        uuid=uuid_,
        type=STUDIO,
        state=PENDING,
        priority=0,
        payload={
            "input": {"videoFileUrl": input_url(uuid_, video.uuid), "separatedAudioFileUrl": []},
            "tasks": shown,
            "output": {},
        },
        private_payload={"videoUUID": video.uuid, "tasks": tasks},
        failures=0,
        attempt=0,
        created_at=at,
        updated_at=at,
    )
    return store.create_job(job)


def _task_file_name(work_name: str) -> str:
    return work_name.rsplit("/", 1)[-1]


def studio_file_url(job_uuid_: str, video_uuid: str, filename: str) -> str:
    base = get_settings().instance_url
    return f"{base}/api/v1/runners/jobs/{job_uuid_}/files/videos/{video_uuid}/studio/task-files/{filename}"


def studio_task_file_url(runner: Runner, job_uuid_: str, video_uuid: str, filename: str, body: dict[str, Any]) -> str:
    """A presigned URL of one of a studio job's task files, for the runner holding the job."""
    job, _ = _processing_job_of(runner, job_uuid_, body)
    if job.type != STUDIO or job.private_payload.get("videoUUID") != video_uuid:
        raise NotFoundError("Unknown video of this job")
    for task in job.private_payload.get("tasks") or []:
        work_name = (task.get("options") or {}).get("file")
        if isinstance(work_name, str) and _task_file_name(work_name) == filename:
            return uploads_bucket.work_url(video_uuid, work_name, INPUT_URL_SECONDS)
    raise NotFoundError("Unknown task file of this job")


def storyboards_enabled() -> bool:
    """Whether the administrator gave storyboards to remote runners (PeerTube's
    `storyboards.remoteRunners.enabled`, under Cirrus's `storyboard` section)."""
    section = custom_config.current(get_settings()).custom.get("storyboard", {})
    return (section.get("remoteRunners") or {}).get("enabled") is True


def take_storyboard(video: Video, at: datetime) -> bool:
    """With storyboards given to runners, the video's storyboard as PeerTube's
    `generate-video-storyboard` job; whether a runner has it (made now, or pending or
    processing). False: the transcoder draws it (runners off, nothing to draw, or this
    publication's job ended without a sheet, as a chunk step sent again goes to Lambda)."""
    found = storyboards.drawing(video) if storyboards_enabled() else None
    if found is None:
        return False
    current, source, grid = found
    # One job per publication: the drawn file's key is new with each one.
    uuid_ = _job_uuid(current.uuid, f"storyboard/{source.key}")
    job = RunnerJob(
        uuid=uuid_,
        type=STORYBOARD,
        state=PENDING,
        priority=STORYBOARD_PRIORITY,
        payload={
            "input": {"videoFileUrl": input_url(uuid_, current.uuid)},
            "sprites": {
                "size": {"width": grid.sprite_width, "height": grid.sprite_height},
                "count": {"width": grid.columns, "height": grid.rows},
                "duration": grid.sprite_duration,
            },
            "output": {},
        },
        private_payload={"videoUUID": current.uuid, "grid": asdict(grid)},
        failures=0,
        attempt=0,
        created_at=at,
        updated_at=at,
    )
    if store.create_job(job):
        announce()
        return True
    existing = store.get_job(uuid_)
    return existing is not None and int(existing.state) in ACTIVE


def input_url(job_uuid_: str, video_uuid: str) -> str:
    base = get_settings().instance_url
    return f"{base}/api/v1/runners/jobs/{job_uuid_}/files/videos/{video_uuid}/max-quality"


def create_transcription_job(video: Video, job_uuid_: str, at: datetime) -> bool:
    """A `video-transcription` job with PeerTube's payload (the input is the video's sound,
    at PeerTube's `max-quality/audio` route); False when one of that UUID exists."""
    job = RunnerJob(
        uuid=job_uuid_,
        type=TRANSCRIPTION,
        state=PENDING,
        priority=TRANSCRIPTION_PRIORITY,
        payload={"input": {"videoFileUrl": f"{input_url(job_uuid_, video.uuid)}/audio"}, "output": {}},
        private_payload={"videoUUID": video.uuid},
        failures=0,
        attempt=0,
        created_at=at,
        updated_at=at,
    )
    return store.create_job(job)


# The runner's calls


def request(runner: Runner, body: dict[str, Any]) -> list[dict[str, Any]]:
    """Up to AVAILABLE_JOBS pending jobs of the types asked for (a Query per type offered)."""
    wanted = body.get("jobTypes")
    if wanted is not None and (not isinstance(wanted, list) or not all(t in JOB_TYPES for t in wanted)):
        raise ValidationError({"jobTypes": "Invalid value"})
    types = [t for t in OFFERED_TYPES if (t in wanted if wanted is not None else t not in ASKED_FOR_ONLY)]
    found: list[RunnerJob] = []
    for job_type in types:
        found += store.pending_jobs(job_type, AVAILABLE_JOBS - len(found))
        if len(found) >= AVAILABLE_JOBS:
            break
    return [{"uuid": job.uuid, "type": job.type, "payload": job.payload} for job in found]


def accept(runner: Runner, job_uuid_: str, at: datetime) -> tuple[RunnerJob, str]:
    """The job, now the runner's, and its job token (shown once)."""
    job = _job(job_uuid_)
    if int(job.state) != PENDING:
        raise ConflictError("This job is not in pending state anymore", code="runner_job_not_in_pending_state")
    video = videos.find_video_by_uuid(str(job.private_payload.get("videoUUID")))
    gone = video is None or (job.type not in AFTER_PUBLICATION and video.stage in transcoding.SETTLED_STAGES)
    if gone:
        # Its video was deleted or failed meanwhile: nothing left to do, for anyone.
        store.move_job(job, from_states=(PENDING,), to_state=CANCELLED, now=at, finished_at=at)
        raise ConflictError("This job is not in pending state anymore", code="runner_job_not_in_pending_state")
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
        raise ConflictError("This job is not in pending state anymore", code="runner_job_not_in_pending_state")
    return job, token  # as stored now: the update read it back


def accepted_payload(job: RunnerJob) -> dict[str, Any]:
    """The payload with where this acceptance's result files go (PeerTube's custom upload
    fields, one presigned S3 PUT per file)."""
    payload = dict(job.payload)
    output = dict(payload.get("output") or {})
    video_uuid = str(job.private_payload["videoUUID"])
    for field in _result_fields(job):
        output[f"{field}CustomUpload"] = runner_uploads.upload_field(video_uuid, _upload_name(job, field))
    payload["output"] = output
    return payload


def _result_fields(job: RunnerJob) -> tuple[str, ...]:
    if job.type == TRANSCRIPTION:
        return ("vttFile",)
    if job.type == STORYBOARD:
        return ("storyboardFile",)
    if _is_rendition(job):
        return ("videoFile", "resolutionPlaylistFile")
    return ("videoFile",)


def _upload_name(job: RunnerJob, field: str) -> str:
    return runner_uploads.object_name(str(job.uuid), int(job.attempt or 0), field, RESULT_EXTENSIONS[field])


def update(runner: Runner, job_uuid_: str, body: dict[str, Any], at: datetime) -> None:
    """Progress news: the job is alive (and off the stall sweep's list for a while)."""
    job, token_hash = _processing_job_of(runner, job_uuid_, body)
    progress = body.get("progress")
    if progress is not None and (
        isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100
    ):
        raise ValidationError({"progress": "Invalid value"})
    fields: dict[str, Any] = {} if progress is None else {"progress": progress}
    if not store.move_job(job, from_states=(PROCESSING,), to_state=PROCESSING, now=at, token_hash=token_hash, **fields):
        raise _not_processing()


def input_file_url(runner: Runner, job_uuid_: str, video_uuid: str, body: dict[str, Any]) -> str:
    """A presigned URL of the job's input (the source as uploaded), for the runner only."""
    job, _ = _processing_job_of(runner, job_uuid_, body)
    if job.private_payload.get("videoUUID") != video_uuid:
        raise NotFoundError("Unknown video of this job")
    video = videos.find_video_by_uuid(video_uuid)
    if video is not None and job.type == STORYBOARD:
        drawn = storyboards.drawing(video)  # the file as named now (the video may have gone private)
        if drawn is None:
            raise NotFoundError("Video file not found")
        return storyboards.source_url(drawn[1])
    if video is not None and job.type == TRANSCRIPTION:
        found = transcription_results.input_url(video)
        if found is None:
            raise NotFoundError("Video file not found")
        return found
    if video is None or not video.source_key:
        raise NotFoundError("Video not found")
    return uploads_bucket.source_url(str(video.source_key), INPUT_URL_SECONDS)


@dataclass(frozen=True)
class Result:
    """What a runner sends with `success`: each file in the body, or None (it used the
    file's custom upload URL, or sent nothing)."""

    video_file: bytes | None
    vtt_file: bytes | None = None  # a transcription's `payload[vttFile]`
    playlist_file: bytes | None = None  # a rendition's `payload[resolutionPlaylistFile]`
    storyboard_file: bytes | None = None  # a storyboard's `payload[storyboardFile]`


def success(runner: Runner, job_uuid_: str, body: dict[str, Any], result: Result, at: datetime) -> None:
    job, token_hash = _processing_job_of(runner, job_uuid_, body)
    if job.type == TRANSCRIPTION:
        _transcription_success(job, token_hash, body, result, at)
        return
    if job.type == STORYBOARD:
        _storyboard_success(job, token_hash, result, at)
        return
    if _is_rendition(job):
        _rendition_success(job, token_hash, result, at)
        return
    video_uuid = str(job.private_payload["videoUUID"])
    step = None if job.type == STUDIO else Step.from_message(job.private_payload["step"])
    if step is None:
        target = studio_results.RESULT_NAME
    else:
        target = transcoding.chunk_work_name(int(step.resolution or 0), int(step.chunk or 0))
    # The packaging step reads work files as MP4 only (media/inputs.py) and would fail the
    # video; refused here, the job stays the runner's to report an error on.
    limit = MAX_WHOLE_RESULT_BYTES if step is None else MAX_RESULT_BYTES
    video = _checked(job, "videoFile", result.video_file, limit, _is_mp4, "an MP4 file")
    if not store.move_job(job, from_states=(PROCESSING,), to_state=COMPLETING, now=at, token_hash=token_hash):
        raise _not_processing()
    video.put(target)
    video.discard()
    if step is None:
        _studio_edited(video_uuid)
    else:
        _count_step(video_uuid, step)
    store.move_job(job, from_states=(COMPLETING,), to_state=COMPLETED, now=at, finished_at=at, progress=100)


def _rendition_success(job: RunnerJob, token_hash: str, result: Result, at: datetime) -> None:
    """PeerTube's VODHLSTranscodingSuccess: the rendition's fragmented MP4 and its playlist,
    in the body or uploaded. The MP4 becomes the rendition's work file (the packaging step
    segments it again, stream copy, into Cirrus's layout with its hashes), and the
    rendition's chunk steps are counted: the last one starts the packaging."""
    video = _checked(job, "videoFile", result.video_file, MAX_WHOLE_RESULT_BYTES, _is_mp4, "an MP4 file")
    playlist = _checked(
        job, "resolutionPlaylistFile", result.playlist_file, MAX_SMALL_RESULT_BYTES, _is_playlist, "an HLS playlist"
    )
    if not store.move_job(job, from_states=(PROCESSING,), to_state=COMPLETING, now=at, token_hash=token_hash):
        raise _not_processing()
    video_uuid = str(job.private_payload["videoUUID"])
    steps = _steps_of(job)
    video.put(transcoding.rendition_work_name(int(steps[0].resolution or 0)))
    video.discard()
    playlist.discard()  # the packaging writes its own
    _count_steps(video_uuid, steps)
    store.move_job(job, from_states=(COMPLETING,), to_state=COMPLETED, now=at, finished_at=at, progress=100)


def _transcription_success(job: RunnerJob, token_hash: str, body: dict[str, Any], result: Result, at: datetime) -> None:
    """PeerTube's TranscriptionSuccess: `inputLanguage` (what the engine detected) and
    `vttFile` (in the body or uploaded), checked before the job moves, so a runner sending
    nonsense may still report an error."""
    payload = body.get("payload")
    language = payload.get("inputLanguage") if isinstance(payload, dict) else body.get("payload[inputLanguage]")
    vtt = _checked(job, "vttFile", result.vtt_file, MAX_SMALL_RESULT_BYTES, lambda _: True, "a caption")
    try:
        language, caption = transcription_results.read_result(language, vtt.read())
    except BadRequestError:
        vtt.discard()
        raise
    if not store.move_job(job, from_states=(PROCESSING,), to_state=COMPLETING, now=at, token_hash=token_hash):
        raise _not_processing()
    vtt.discard()
    video_uuid = str(job.private_payload["videoUUID"])
    transcription_results.store_result(
        video_uuid, transcription_results.RUNNER_MARK + str(job.uuid), language, caption, at
    )
    store.move_job(job, from_states=(COMPLETING,), to_state=COMPLETED, now=at, finished_at=at, progress=100)


def _storyboard_success(job: RunnerJob, token_hash: str, result: Result, at: datetime) -> None:
    """PeerTube's GenerateStoryboardSuccess: the sprite sheet, a JPEG that fits the job's
    grid, stored as the transcoder's would be (domain/storyboards.py)."""
    sheet = _checked(job, "storyboardFile", result.storyboard_file, MAX_SMALL_RESULT_BYTES, _is_jpeg, "a JPEG image")
    grid = Grid(**job.private_payload["grid"])
    jpeg = sheet.read()
    size = storyboards.sheet_size(jpeg, grid)
    if size is None:
        sheet.discard()
        raise BadRequestError("payload[storyboardFile] is not a sprite sheet of this job's tiles.")
    if not store.move_job(job, from_states=(PROCESSING,), to_state=COMPLETING, now=at, token_hash=token_hash):
        raise _not_processing()
    sheet.discard()
    video = videos.find_video_by_uuid(str(job.private_payload["videoUUID"]))
    if video is not None:
        storyboards.store(video, jpeg, grid, *size)
    store.move_job(job, from_states=(COMPLETING,), to_state=COMPLETED, now=at, finished_at=at, progress=100)


def _is_jpeg(head: bytes) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _result(job: RunnerJob, field: str, inline: bytes | None) -> runner_uploads.ResultFile | None:
    """A result file from the body, else from this acceptance's upload (never an earlier one's)."""
    video_uuid = str(job.private_payload["videoUUID"])
    return runner_uploads.result_file(video_uuid, field, inline, _upload_name(job, field))


def _checked(
    job: RunnerJob, field: str, inline: bytes | None, limit: int, looks_right: Callable[[bytes], bool], what: str
) -> runner_uploads.ResultFile:
    """A result file that exists, fits and begins as it must; a refused upload is deleted
    (nothing stays of it) and the job stays the runner's."""
    found = _result(job, field, inline)
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


def _is_playlist(head: bytes) -> bool:
    return head.startswith(b"#EXTM3U")


def _is_mp4(head: bytes) -> bool:
    """An ISO BMFF file begins with a box whose type is `ftyp`."""
    return len(head) >= 8 and head[4:8] == b"ftyp"


def _studio_edited(video_uuid: str) -> None:
    """A studio job's result is in place: handed over as the transcoder's would be."""
    from chalicelib.store.models.video_stages import STAGE_EDITING

    video = videos.find_video_by_uuid(video_uuid)
    if video is not None and video.stage == STAGE_EDITING:
        studio_results.edited(int(video.id))


def _count_step(video_uuid: str, step: Step) -> None:
    _count_steps(video_uuid, [step])


def _count_steps(video_uuid: str, steps: list[Step]) -> None:
    """The same counting as a Lambda step's: the last chunk moves the video to packaging."""
    video = videos.find_video_by_uuid(video_uuid)
    if video is None or video.stage in transcoding.SETTLED_STAGES:
        return
    unlocked: list[Step] = []
    for step in steps:
        unlocked += transcoding.step_done(video, step)[0]
    if unlocked:
        queues.send_transcode_steps([s.to_message() for s in unlocked])


def error(runner: Runner, job_uuid_: str, body: dict[str, Any], at: datetime) -> None:
    """The runner failed: pending again for another try, or errored after MAX_FAILURES
    (and the video fails, visibly, as after a Lambda step's last attempt)."""
    message = body.get("message")
    if not isinstance(message, str):
        raise ValidationError({"message": "Invalid value"})
    job, token_hash = _processing_job_of(runner, job_uuid_, body)
    failures = int(job.failures or 0) + 1
    message = message[:MAX_ERROR_LENGTH]
    if failures >= MAX_FAILURES:
        moved = store.move_job(
            job, from_states=(PROCESSING,), to_state=ERRORED, now=at, token_hash=token_hash,
            failures=failures, error=message, finished_at=at,
        )  # fmt: skip
        if moved:
            _ended_without_result(job, f"Transcoding failed on remote runners: {message[:200]}")
    else:
        moved = store.move_job(
            job,
            from_states=(PROCESSING,),
            to_state=PENDING,
            now=at,
            token_hash=token_hash,
            **_released(failures, message),
        )
        if moved:
            announce()
    if not moved:
        raise _not_processing()


def abort(runner: Runner, job_uuid_: str, body: dict[str, Any], at: datetime) -> None:
    if not isinstance(body.get("reason"), str):
        raise ValidationError({"reason": "Invalid value"})
    job, token_hash = _processing_job_of(runner, job_uuid_, body)
    fields = _released(int(job.failures or 0), job.error)
    if not store.move_job(job, from_states=(PROCESSING,), to_state=PENDING, now=at, token_hash=token_hash, **fields):
        raise _not_processing()
    announce()


def _released(failures: int, message: str | None) -> dict[str, Any]:
    return {
        "failures": failures,
        "error": message,
        "runner_id": None,
        "runner_name": None,
        "runner_description": None,
        "job_token_hash": None,
        "progress": None,
        "started_at": None,
    }


def sweep_stalled(at: datetime) -> int:
    """Processing jobs without news for the stall time go back to pending; how many."""
    before = at - timedelta(seconds=get_settings().runner_stall_seconds)
    moved = 0
    for job in store.processing_since(before, STALLED_PER_SWEEP):
        # Conditional on the token it held: a job updated or finished meanwhile stays.
        fields = _released(int(job.failures or 0), job.error)
        if store.move_job(
            job, from_states=(PROCESSING,), to_state=PENDING, now=at, token_hash=str(job.job_token_hash), **fields
        ):
            moved += 1
            logger.info("stalled runner job back to pending", extra={"job": job.uuid})
    if moved:
        announce()
    return moved


def fall_back_to_lambda(at: datetime) -> list[Step]:
    """With a fallback set, pending jobs older than it are taken back from the runners
    (one conditional write each: a runner accepting at that moment wins or loses cleanly);
    their steps, for the transcode queue."""
    seconds = lambda_fallback_seconds()
    if seconds is None:
        return []
    before = at - timedelta(seconds=seconds)
    steps: list[Step] = []
    for job_type in (VOD_HLS, STUDIO):  # Lambda cannot transcribe
        for job in store.pending_since(job_type, before, STALLED_PER_SWEEP):
            reason = f"No runner took it within {seconds} seconds: transcoded by the instance."
            if not store.move_job(
                job, from_states=(PENDING,), to_state=CANCELLED, now=at, finished_at=at, error=reason
            ):
                continue
            if job.type == STUDIO:
                studio_results.queue_edit(str(job.private_payload["videoUUID"]), list(job.private_payload["tasks"]))
            else:
                steps += _steps_of(job)
    return steps


# Administration


def cancel(job_uuid_: str, at: datetime) -> None:
    """The job ends without a result; its video cannot finish, so it fails now."""
    job = _job(job_uuid_)
    if int(job.state) not in ACTIVE:
        raise BadRequestError("Cannot cancel this job that is not in pending, processing or completing state")
    if store.move_job(job, from_states=ACTIVE, to_state=CANCELLED, now=at, finished_at=at):
        _ended_without_result(job, "Transcoding was cancelled by an administrator.")


def fail_studio_jobs(video_uuid: str, reason: str, at: datetime) -> int:
    """A studio edit given up (the sweeper found it stuck): its job, pending or with a runner,
    errors, so that no runner works on it any more; how many did. Two bounded Queries (RN6,
    RN7): this happens rarely, never on a request's path."""
    candidates = [*store.pending_jobs(STUDIO, 100), *store.processing_since(at, 100)]
    ended = 0
    for job in candidates:
        payload = job.private_payload or {}
        if job.type != STUDIO or payload.get("videoUUID") != video_uuid or int(job.state) not in ACTIVE:
            continue
        if store.move_job(job, from_states=ACTIVE, to_state=ERRORED, now=at, finished_at=at, error=reason):
            ended += 1
    return ended


def cancel_transcription(job_uuid_: str, at: datetime) -> None:
    """A transcription replaced by a forced one: its job ends, whatever state it was in."""
    job = store.get_job(job_uuid_)
    if job is not None and job.type == TRANSCRIPTION and int(job.state) in ACTIVE:
        store.move_job(job, from_states=ACTIVE, to_state=CANCELLED, now=at, finished_at=at)


def delete(job_uuid_: str, at: datetime) -> None:
    job = _job(job_uuid_)
    if int(job.state) in ACTIVE and store.move_job(job, from_states=ACTIVE, to_state=CANCELLED, now=at, finished_at=at):
        _ended_without_result(job, "Transcoding was cancelled by an administrator.")
    store.delete_job(job)


def list_jobs(start: int, count: int, newest_first: bool, states: set[int] | None) -> tuple[int, list[RunnerJob]]:
    if not states:
        return store.count_jobs(), store.list_jobs(start, count, newest_first)
    # A state filter reads the administrator's read window and filters it.
    matching = [j for j in store.list_jobs(0, 2000, newest_first) if int(j.state) in states]
    return len(matching), matching[start : start + count]


def _ended_without_result(job: RunnerJob, reason: str) -> None:
    """A transcoding job's video cannot finish and fails; a transcription's may be asked for
    again; a video without its storyboard plays on (as on PeerTube when its job fails)."""
    if job.type == STORYBOARD:
        logger.warning("storyboard job ended without a sheet", extra={"job": job.uuid, "reason": reason})
        return
    if job.type == TRANSCRIPTION:
        video_uuid = str(job.private_payload.get("videoUUID"))
        transcription_results.ended_without_result(video_uuid, transcription_results.RUNNER_MARK + str(job.uuid))
        return
    _fail_video(job, reason)


def _fail_video(job: RunnerJob, reason: str) -> None:
    video = videos.find_video_by_uuid(str(job.private_payload.get("videoUUID")))
    if job.type == STUDIO:
        # A studio edit that cannot finish leaves the video as it was (domain/studio.py).
        if video is not None:
            studio_results.give_up(video, reason, list((job.private_payload or {}).get("tasks") or []))
        return
    if video is not None and video.stage not in transcoding.SETTLED_STAGES:
        videos.fail(video, reason)


# Checks


def _job(job_uuid_: str) -> RunnerJob:
    job = store.get_job(job_uuid_) if _is_uuid(job_uuid_) else None
    if job is None:
        raise NotFoundError("Unknown runner job", code="unknown_runner_job")
    return job


def _processing_job_of(runner: Runner, job_uuid_: str, body: dict[str, Any]) -> tuple[RunnerJob, str]:
    """The job, when this runner holds it with the job token the body carries."""
    token = body.get("jobToken")
    if not isinstance(token, str) or not token:
        raise ValidationError({"jobToken": "Invalid value"})
    job = _job(job_uuid_)
    token_hash = runners.token_hash(token)
    if job.runner_id is None or int(job.runner_id) != int(runner.id) or job.job_token_hash != token_hash:
        raise NotFoundError("Unknown runner job", code="unknown_runner_job")
    if int(job.state) != PROCESSING:
        raise _not_processing()
    return job, token_hash


def _not_processing() -> BadRequestError:
    return BadRequestError("Job is not in processing state", code="runner_job_not_in_processing_state")


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
