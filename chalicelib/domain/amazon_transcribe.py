"""Transcription through Amazon Transcribe (the template's `TranscriptionEngine: transcribe`).

The request sends a task to the work queue; the work function (which has ffmpeg) extracts
the video's sound into a small mono FLAC in the media bucket and starts a Transcribe job
that identifies the language and writes WebVTT subtitles beside its transcript
(store/transcribe_jobs.py). An EventBridge rule on "Transcribe Job State Change" calls
`on_job_state_change`, which reads the subtitles and stores them as the video's
automatically generated caption (domain/transcription_results.py) once: the video's note of the
transcription under way is cleared by a conditional write, so a redelivered event stores
nothing twice. Nothing is kept afterwards: the sound and Transcribe's files are deleted.
"""

from __future__ import annotations

import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib.domain import reference_data, transcription_results
from chalicelib.errors import BadRequestError, ValidationError
from chalicelib.media import commands, transcode
from chalicelib.observability import logger
from chalicelib.store import queues, transcribe_jobs, videos

if TYPE_CHECKING:
    from chalicelib.store.models import Video

TASK = "amazon-transcribe"
JOB_PREFIX = "cirrus-"
_NAME = re.compile(rf"^{JOB_PREFIX}([0-9a-f-]{{36}})-[0-9a-f]{{8}}$")
EVENT_SOURCE, EVENT_TYPE = "aws.transcribe", "Transcribe Job State Change"


def job_name(video_uuid: str, job_uuid: str) -> str:
    """A Transcribe job name that says which video it is for (at most 200 of [0-9a-zA-Z._-])."""
    return f"{JOB_PREFIX}{video_uuid}-{job_uuid.replace('-', '')[:8]}"


def start(video: Video, name: str) -> None:
    """Ask the work function to extract the sound and start the job."""
    queues.send_work([{"task": TASK, "video": video.uuid, "job": name}])


def run(video_uuid: str, name: str) -> bool:
    """The work task: the sound as FLAC (16 kHz mono, what speech needs), then the job;
    whether a job started (not for a video deleted or no longer waiting for this one)."""
    video = videos.find_video_by_uuid(video_uuid)
    if video is None or video.transcription_job != transcription_results.TRANSCRIBE_MARK + name:
        return False
    source = transcription_results.input_url(video)
    if source is None:
        transcription_results.ended_without_result(video_uuid, transcription_results.TRANSCRIBE_MARK + name)
        return False
    with tempfile.TemporaryDirectory(prefix="cirrus-transcribe-") as directory:
        audio = Path(directory) / "audio.flac"
        transcode.run(commands.speech_audio_args(source, str(audio)))
        key = transcribe_jobs.put_audio(name, audio)
    started = transcribe_jobs.start(name, key)
    logger.info("transcribe job started", extra={"video": video_uuid, "job": name, "new": started})
    return True


def on_job_state_change(event: dict[str, Any]) -> bool:
    """The EventBridge event of a Transcribe job that ended; whether a caption was stored."""
    ended = _ended_job(event)
    if ended is None:
        return False
    name, video_uuid, status = ended
    marker = transcription_results.TRANSCRIBE_MARK + name
    if status == "FAILED":
        reason = (event.get("detail") or {}).get("FailureReason")
        logger.warning("transcribe job failed", extra={"job": name, "reason": reason})
        transcription_results.ended_without_result(video_uuid, marker)
        transcribe_jobs.delete_files(name)
        return False
    stored = _store(name, video_uuid, marker)
    transcribe_jobs.delete_files(name)
    return stored


def _ended_job(event: dict[str, Any]) -> tuple[str, str, str] | None:
    """(job name, video UUID, COMPLETED or FAILED) of one of Cirrus's jobs, else None."""
    if event.get("source") != EVENT_SOURCE or event.get("detail-type") != EVENT_TYPE:
        return None
    detail = event.get("detail") or {}
    name = str(detail.get("TranscriptionJobName") or "")
    matched = _NAME.match(name)  # None: another application's job
    status = detail.get("TranscriptionJobStatus")
    if matched is None or status not in ("COMPLETED", "FAILED"):
        return None
    return name, matched.group(1), str(status)


def _store(name: str, video_uuid: str, marker: str) -> bool:
    vtt = transcribe_jobs.read_subtitles(name)
    language = _peertube_language(transcribe_jobs.language_of(name))
    try:
        language, caption = transcription_results.read_result(language, vtt)
    except (BadRequestError, ValidationError) as error:
        logger.warning("transcribe job without usable subtitles", extra={"job": name, "error": str(error)})
        transcription_results.ended_without_result(video_uuid, marker)
        return False
    return transcription_results.store_result(video_uuid, marker, language, caption, datetime.now(UTC))


def _peertube_language(code: str | None) -> str | None:
    """Transcribe's code ("en-US", "pt-BR") as one of PeerTube's video languages."""
    if not code:
        return None
    known = reference_data.video_languages()
    for candidate in (code, code.lower(), code.split("-")[0].lower()):
        if candidate in known:
            return candidate
    return None
