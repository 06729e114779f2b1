"""Automatic transcription (PeerTube's lib/video-captions.ts, `POST .../captions/generate`
and the `generateTranscription` of uploads): a video's speech becomes an automatically
generated caption.

What transcribes is the deployment's engine (`CIRRUS_TRANSCRIPTION_ENGINE`, the template's
`TranscriptionEngine`) with the administrator's `videoTranscription` settings:

- `none`: never (the route answers as PeerTube does when transcription is off);
- `runners`: a `video-transcription` runner job, for a runner with a local Whisper engine;
- `transcribe`: Amazon Transcribe (domain/amazon_transcribe.py), or a runner job when the
  administrator turned `videoTranscription.remoteRunners.enabled` on.

There is never a model download at run time: Cirrus runs no model itself.

The transcription under way is noted on the video (`transcription_job`, PeerTube's
`VideoJobInfo.pendingTranscription`) with a conditional write, so a second request is 409
until it ends; an administrator's `forceTranscription` replaces it. Its result goes through
`store_result`, which keeps PeerTube's rules: the video's language is set from the detected
one when it has none, and a caption someone uploaded in that language is never replaced.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.config import get_settings
from chalicelib.domain import custom_config, events, transcription_settings, video_edits
from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.domain.transcription_results import RUNNER_MARK, TRANSCRIBE_MARK
from chalicelib.errors import BadRequestError, ConflictError, ForbiddenError, ValidationError
from chalicelib.observability import logger
from chalicelib.store import captions as captions_store
from chalicelib.store import videos
from chalicelib.store.models.video import STATE_PUBLISHED
from chalicelib.store.models.video_stages import STAGE_DONE, STAGE_ENCODING

if TYPE_CHECKING:
    from chalicelib.store.models import User, Video

DISABLED = "Video transcription is disabled on this instance"
# The job made for an upload's automatic transcription is named after the video, so the
# publication run twice (a redelivered step) finds it instead of making a second one.
_UPLOAD_NAMESPACE = uuid.UUID("0c4f8e7a-52d1-4b9e-8f63-2a7d9c1e5b08")


def path_in_force() -> str | None:
    """How a transcription asked for now would run: RUNNERS, TRANSCRIBE or None (off)."""
    custom = custom_config.current(get_settings()).custom
    return transcription_settings.path(custom, get_settings().transcription_engine)


def read_force(body: dict[str, Any]) -> bool:
    """The body's `forceTranscription` (PeerTube's toBooleanOrNull, then isBooleanValid)."""
    value = body.get("forceTranscription")
    if value is None or isinstance(value, bool):
        return value is True
    if isinstance(value, str) and value.lower() in ("true", "1", "false", "0"):
        return value.lower() in ("true", "1")
    raise ValidationError({"forceTranscription": "Invalid value"})


def check_enabled() -> str:
    path = path_in_force()
    if path is None:
        raise BadRequestError(DISABLED)
    return path


def generate(video: Video, user: User, force: bool, path: str, now: datetime) -> None:
    """POST /videos/{id}/captions/generate, after `check_enabled`, in PeerTube's order."""
    if not video.is_local:
        raise BadRequestError("Cannot run transcription job on a remote video")
    video_edits.check_can_manage(video, user)
    if captions_store.list_captions(int(video.id)):
        raise BadRequestError("This video already has captions")
    replacing = None
    if force:
        if not has_right(Role(int(user.role)), Right.UPDATE_ANY_VIDEO):
            raise ForbiddenError("Only admins can force transcription")
        replacing = video.transcription_job
        if replacing:
            _abandon(video, str(replacing), now)
    elif video.transcription_job:
        raise ConflictError("This video is already being transcribed", code="video_already_being_transcribed")
    start(video, path, now, job_uuid=str(uuid.uuid4()), replacing=replacing)


def on_video_published(event: events.VideoPublished) -> None:
    """A video just published: PeerTube transcribes a new upload (not a live) when transcription
    is on. Its job is named after the video, so a second publication finds it."""
    current = videos.get_video(int(event.video.id))
    # Published as soon as it is playable: still encoding its other renditions then.
    if current is None or current.stage not in (STAGE_DONE, STAGE_ENCODING) or int(current.state) != STATE_PUBLISHED:
        raise events.Skipped("not a published upload")
    start_after_upload(current, datetime.now(UTC))


def start_after_upload(video: Video, now: datetime) -> bool:
    """PeerTube transcribes a new upload when transcription is on and the upload did not
    say `generateTranscription: false`; whether a transcription started."""
    path = path_in_force()
    if path is None or video.generate_transcription is False or not video.is_local:
        return False
    if captions_store.list_captions(int(video.id)):
        return False
    job_uuid = str(uuid.uuid5(_UPLOAD_NAMESPACE, video.uuid))
    return start(video, path, now, job_uuid=job_uuid, replacing=None)


def start(video: Video, path: str, now: datetime, *, job_uuid: str, replacing: str | None) -> bool:
    """Start one (PeerTube's createTranscriptionTaskIfNeeded): nothing for a video without
    sound, as PeerTube; whether one started."""
    if not has_audio(video):
        logger.info("no transcription for a video without an audio stream", extra={"video": video.uuid})
        return False
    if path == transcription_settings.TRANSCRIBE:
        from chalicelib.domain import amazon_transcribe  # the Transcribe path only

        marker = TRANSCRIBE_MARK + amazon_transcribe.job_name(video.uuid, job_uuid)
    else:
        marker = RUNNER_MARK + job_uuid
    if not videos.claim_transcription(video, marker, replacing):
        if replacing is None and video.transcription_job == marker:
            return False  # the same upload's transcription, asked for again
        raise ConflictError("This video is already being transcribed", code="video_already_being_transcribed")
    if path == transcription_settings.TRANSCRIBE:
        amazon_transcribe.start(video, marker[len(TRANSCRIBE_MARK) :])
        return True
    from chalicelib.domain import runner_jobs  # runner_jobs imports this module

    if not runner_jobs.create_transcription_job(video, job_uuid, now):
        videos.release_transcription(video, marker)
        return False
    return True


def has_audio(video: Video) -> bool:
    """Whether the video has sound: what its probe found (unknown before it: yes)."""
    source = (video.plan or {}).get("source")
    return source is None or source.get("audio_codec") is not None


def _abandon(video: Video, marker: str, now: datetime) -> None:
    """PeerTube's abortAllTasks for a forced transcription: the runner job is cancelled (a
    Transcribe job is left to finish: its result, no longer expected, is dropped)."""
    if marker.startswith(RUNNER_MARK):
        from chalicelib.domain import runner_jobs  # runner_jobs imports this module

        runner_jobs.cancel_transcription(marker[len(RUNNER_MARK) :], now)
