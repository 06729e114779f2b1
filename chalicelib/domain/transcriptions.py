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
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.config import get_settings
from chalicelib.domain import captions, custom_config, reference_data, transcription_settings, video_edits
from chalicelib.domain.notifications import tasks as notification_tasks
from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.errors import BadRequestError, ConflictError, ForbiddenError, ValidationError
from chalicelib.media import layout, subtitles
from chalicelib.observability import logger
from chalicelib.store import captions as captions_store
from chalicelib.store import media, uploads_bucket, videos
from chalicelib.store.models.video_stages import STAGE_DONE

if TYPE_CHECKING:
    from chalicelib.store.models import User, Video

RUNNER_MARK, TRANSCRIBE_MARK = "runner:", "transcribe:"
INPUT_URL_SECONDS = 6 * 3600
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


def input_url(video: Video) -> str | None:
    """A URL of a file with the video's sound: once published, its smallest HLS rendition
    (the audio-only one when the audio is split out) or web video; before, its source."""
    if video.stage == STAGE_DONE:
        key = _published_audio_key(video)
        return media.presigned_url(key, INPUT_URL_SECONDS) if key else None
    if video.source_key and uploads_bucket.source_exists(str(video.source_key)):
        return uploads_bucket.source_url(str(video.source_key), INPUT_URL_SECONDS)
    return None


def _published_audio_key(video: Video) -> str | None:
    private = layout.in_private_directory(int(video.privacy))
    _, files, web_files = videos.get_video_with_all_files(int(video.id))
    ordered = sorted(files, key=lambda f: int(f.resolution))  # 0, the audio only, first
    if ordered and ordered[0].media_name:
        return layout.hls_key(video.uuid, str(ordered[0].media_name), private)
    renditions = sorted((f for f in web_files if f.file_name), key=lambda f: (bool(f.original), int(f.resolution)))
    return layout.web_video_key(str(renditions[0].file_name), private) if renditions else None


def read_result(language: Any, vtt: bytes | None) -> tuple[str, subtitles.Caption]:
    """A transcription's language and WebVTT, checked; 400 for what cannot be stored."""
    if not isinstance(language, str) or not language:
        raise ValidationError({"payload.inputLanguage": "Invalid value"})
    if vtt is None:
        raise BadRequestError("No result: send payload[vttFile].")
    try:
        return language, subtitles.read_caption(vtt)
    except subtitles.SubtitleError as error:
        raise BadRequestError(f"payload[vttFile] is not a caption: {error}") from None


def store_result(video_uuid: str, marker: str, language: str, caption: subtitles.Caption, now: datetime) -> bool:
    """PeerTube's onTranscriptionEnded: the caption stored as automatically generated;
    whether it was (not for an unknown language, a deleted video, a transcription no longer
    expected or already stored, or over a caption someone uploaded in the meantime)."""
    video = videos.find_video_by_uuid(video_uuid)
    if video is None or not videos.release_transcription(video, marker):
        return False  # deleted, replaced by a forced transcription, or stored already
    if language not in reference_data.video_languages():
        logger.warning("transcription in an unknown language", extra={"video": video.uuid, "language": language})
        return False
    if not video.language:
        videos.update_metadata(video, {"language": language}, 0)
    existing = captions.find_caption(video, language)
    if existing is not None and not existing.automatically_generated:
        logger.info("transcription kept out: a caption was uploaded meanwhile", extra={"video": video.uuid})
        return False
    captions.store_caption(video, language, caption, now, automatic=True)
    notification_tasks.queue("transcription", video=int(video.id), language=language, at=now.isoformat())
    logger.info("transcription stored", extra={"video": video.uuid, "language": language, "cues": caption.cues})
    return True


def ended_without_result(video_uuid: str, marker: str) -> None:
    """A transcription failed or was cancelled: the video may be transcribed again."""
    video = videos.find_video_by_uuid(video_uuid)
    if video is not None:
        videos.release_transcription(video, marker)


def _abandon(video: Video, marker: str, now: datetime) -> None:
    """PeerTube's abortAllTasks for a forced transcription: the runner job is cancelled (a
    Transcribe job is left to finish: its result, no longer expected, is dropped)."""
    if marker.startswith(RUNNER_MARK):
        from chalicelib.domain import runner_jobs  # runner_jobs imports this module

        runner_jobs.cancel_transcription(marker[len(RUNNER_MARK) :], now)
