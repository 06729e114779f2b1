"""Transcription through Amazon Transcribe (the template's `TranscriptionEngine: transcribe`).

The request sends a task to the work queue; the work function (which has ffmpeg) extracts
the video's sound into a small mono FLAC in the media bucket, under `transcription/input/`,
and starts a Transcribe job that identifies the language and writes WebVTT subtitles to
`transcription/output/`. An EventBridge rule on "Transcribe Job State Change" calls
`on_job_state_change`, which reads the subtitles and stores them as the video's
automatically generated caption (domain/transcriptions.py), once: the video's note of the
transcription under way is cleared by a conditional write, so a redelivered event finds
nothing to do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.store import queues

if TYPE_CHECKING:
    from chalicelib.store.models import Video

TASK = "amazon-transcribe"
JOB_PREFIX = "cirrus-"


def job_name(video_uuid: str, job_uuid: str) -> str:
    """A Transcribe job name that says which video it is for (at most 200 of [0-9a-zA-Z._-])."""
    return f"{JOB_PREFIX}{video_uuid}-{job_uuid[:8]}"


def start(video: Video, name: str) -> None:
    """Ask the work function to extract the sound and start the job."""
    queues.send_work([{"task": TASK, "video": video.uuid, "job": name}])
