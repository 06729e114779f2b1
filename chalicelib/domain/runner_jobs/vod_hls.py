"""`vod-hls-transcoding` jobs: the pipeline's chunk steps (domain/transcoding.py) given to
runners when `transcoding.remoteRunners.enabled` is on. Two shapes:

- By default, PeerTube's: one job per rendition (its chunk steps together), the whole video
  at one resolution, which PeerTube's own `peertube-runner` does as it is. Its result (a
  fragmented MP4 with its playlist) is kept as the rendition's work file, and the packaging
  step re-segments it (stream copy) as it joins chunks.
- With `transcoding.remoteRunners.cirrusChunks` (Cirrus's own), one job per chunk step, so
  many runners work on one video at once; only Cirrus's runner (tools/runner) reads the
  chunk (`output.cirrusChunk`). Its result is the same work file the Lambda step writes.

Either way the steps are counted by the same `step_done`, so packaging and publication
follow as they always do; a job that ends without a result fails its video.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.domain import transcoding
from chalicelib.domain.runner_jobs import files
from chalicelib.domain.runner_jobs.base import (
    JobType,
    Result,
    announce,
    derived_uuid,
    input_url,
    new_job,
    remote_runners,
    source_input_url,
    video_uuid_of,
)
from chalicelib.domain.transcoding import CHUNK, Step
from chalicelib.store import queues, videos
from chalicelib.store import runners as store
from chalicelib.store.models.runner_job_states import PENDING, PROCESSING

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from chalicelib.store.models import RunnerJob, Video

NAME = "vod-hls-transcoding"


def enabled() -> bool:
    """Whether the administrator gave transcoding to remote runners."""
    return remote_runners("transcoding").get("enabled") is True


def chunked() -> bool:
    """Whether runner jobs are chunks (Cirrus's runner only) rather than whole renditions."""
    return remote_runners("transcoding").get("cirrusChunks") is True


def lambda_fallback_seconds() -> int | None:
    """How long a job may wait for a runner before Lambda does it; None: runners only."""
    remote = remote_runners("transcoding")
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
        existing = store.get_job(derived_uuid(video_uuid, name))
        # Completing for longer than a success takes is a success that died half-way.
        if existing is None or int(existing.state) not in (PENDING, PROCESSING):
            left += job_steps
    if created:
        announce()
    return left


def job_uuid(step: Step) -> str:
    """A chunk's job."""
    return derived_uuid(step.video_uuid, step.name)


def rendition_job_uuid(video_uuid: str, resolution: int) -> str:
    return derived_uuid(video_uuid, f"rendition-{resolution}")


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
    private = {"videoUUID": video.uuid, "steps": [step.to_message() for step in steps]}
    return store.create_job(new_job(uuid_, NAME, payload, private, at))


def create_chunk_job(video: Video, step: Step, at: datetime) -> bool:
    """One chunk step as a job for Cirrus's runner: PeerTube's payload and what it needs to
    encode the chunk as the Lambda would (media/commands.py)."""
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
    private = {"videoUUID": video.uuid, "step": step.to_message()}
    return store.create_job(new_job(uuid_, NAME, payload, private, at))


def steps_of(job: RunnerJob) -> list[Step]:
    """The chunk steps a job stands for: one chunk, or a whole rendition's."""
    if "steps" in job.private_payload:
        return [Step.from_message(body) for body in job.private_payload["steps"]]
    return [Step.from_message(job.private_payload["step"])]


def _is_rendition(job: RunnerJob) -> bool:
    return "steps" in job.private_payload


def _result_fields(job: RunnerJob) -> tuple[str, ...]:
    return ("videoFile", "resolutionPlaylistFile") if _is_rendition(job) else ("videoFile",)


def _prepare(job: RunnerJob, _: dict[str, Any], result: Result) -> Callable[[datetime], None]:
    return _prepare_rendition(job, result) if _is_rendition(job) else _prepare_chunk(job, result)


def _prepare_rendition(job: RunnerJob, result: Result) -> Callable[[datetime], None]:
    """PeerTube's VODHLSTranscodingSuccess: the rendition's fragmented MP4 and its playlist,
    in the body or uploaded. The MP4 becomes the rendition's work file (the packaging step
    segments it again, stream copy, into Cirrus's layout with its hashes), and the
    rendition's chunk steps are counted: the last one starts the packaging."""
    video = files.checked_mp4(job, result.video_file, files.MAX_WHOLE_RESULT_BYTES)
    playlist = files.checked(
        job,
        "resolutionPlaylistFile",
        result.playlist_file,
        files.MAX_SMALL_RESULT_BYTES,
        files.is_playlist,
        "an HLS playlist",
    )
    steps = steps_of(job)

    def finish(_at: datetime) -> None:
        video.put(transcoding.rendition_work_name(int(steps[0].resolution or 0)))
        video.discard()
        playlist.discard()  # the packaging writes its own
        _count_steps(video_uuid_of(job), steps)

    return finish


def _prepare_chunk(job: RunnerJob, result: Result) -> Callable[[datetime], None]:
    """A chunk: the same work file a Lambda chunk step writes, counted as that step."""
    step = Step.from_message(job.private_payload["step"])
    video = files.checked_mp4(job, result.video_file, files.MAX_RESULT_BYTES)

    def finish(_at: datetime) -> None:
        video.put(transcoding.chunk_work_name(int(step.resolution or 0), int(step.chunk or 0)))
        video.discard()
        _count_steps(video_uuid_of(job), [step])

    return finish


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


def _ended_without_result(job: RunnerJob, reason: str) -> None:
    """The video cannot finish: it fails, visibly, as after a Lambda step's last attempt."""
    video = videos.find_video_by_uuid(str(job.private_payload.get("videoUUID")))
    if video is not None and video.stage not in transcoding.SETTLED_STAGES:
        videos.fail(video, reason)


TYPE = JobType(
    name=NAME,
    result_fields=_result_fields,
    input_url=source_input_url,
    prepare=_prepare,
    ended_without_result=_ended_without_result,
    fall_back=steps_of,
)
