"""`video-transcription` jobs: an automatic transcription (domain/transcriptions.py), which
only runners do (Lambda has no speech-to-text engine). PeerTube's payload: the input is the
video's sound, at PeerTube's `max-quality/audio` route; the result is the detected language
and a WebVTT, stored as the video's automatically generated caption
(domain/transcription_results.py). Offered only to a runner that names the type: one that
asks for anything may have no engine. An end without a result lets the video be transcribed
again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.domain import transcription_results
from chalicelib.domain.runner_jobs import files
from chalicelib.domain.runner_jobs.base import JobType, Result, input_url, new_job, video_uuid_of
from chalicelib.errors import BadRequestError, NotFoundError
from chalicelib.store import runners as store
from chalicelib.store.models.runner_job_states import ACTIVE, CANCELLED

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from chalicelib.store.models import RunnerJob, Video

NAME = "video-transcription"
PRIORITY = 200  # PeerTube's JOB_PRIORITY.TRANSCRIPTION


def create_job(video: Video, job_uuid: str, at: datetime) -> bool:
    """A `video-transcription` job with PeerTube's payload (the input is the video's sound,
    at PeerTube's `max-quality/audio` route); False when one of that UUID exists."""
    payload = {"input": {"videoFileUrl": f"{input_url(job_uuid, video.uuid)}/audio"}, "output": {}}
    return store.create_job(new_job(job_uuid, NAME, payload, {"videoUUID": video.uuid}, at, PRIORITY))


def cancel(job_uuid: str, at: datetime) -> None:
    """A transcription replaced by a forced one: its job ends, whatever state it was in."""
    job = store.get_job(job_uuid)
    if job is not None and job.type == NAME and int(job.state) in ACTIVE:
        store.move_job(job, from_states=ACTIVE, to_state=CANCELLED, now=at, finished_at=at)


def _input_url(_: RunnerJob, video: Video) -> str:
    """The smallest published file with sound (transcription_results.py says which)."""
    found = transcription_results.input_url(video)
    if found is None:
        raise NotFoundError("Video file not found")
    return found


def _prepare(job: RunnerJob, body: dict[str, Any], result: Result) -> Callable[[datetime], None]:
    """PeerTube's TranscriptionSuccess: `inputLanguage` (what the engine detected) and
    `vttFile` (in the body or uploaded), checked before the job moves, so a runner sending
    nonsense may still report an error."""
    payload = body.get("payload")
    language = payload.get("inputLanguage") if isinstance(payload, dict) else body.get("payload[inputLanguage]")
    vtt = files.checked(job, "vttFile", result.vtt_file, files.MAX_SMALL_RESULT_BYTES, files.anything, "a caption")
    try:
        language, caption = transcription_results.read_result(language, vtt.read())
    except BadRequestError:
        vtt.discard()
        raise

    def finish(at: datetime) -> None:
        vtt.discard()
        marker = transcription_results.RUNNER_MARK + str(job.uuid)
        transcription_results.store_result(video_uuid_of(job), marker, language, caption, at)

    return finish


def _ended_without_result(job: RunnerJob, _: str) -> None:
    """The video is as it was, and may be transcribed again."""
    video_uuid = str(job.private_payload.get("videoUUID"))
    transcription_results.ended_without_result(video_uuid, transcription_results.RUNNER_MARK + str(job.uuid))


TYPE = JobType(
    name=NAME,
    result_fields=lambda _: ("vttFile",),
    input_url=_input_url,
    prepare=_prepare,
    ended_without_result=_ended_without_result,
    asked_for_only=True,
    after_publication=True,
)
