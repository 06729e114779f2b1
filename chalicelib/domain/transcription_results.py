"""What a transcription engine hands back, shared by the engines (a runner's job,
domain/runner_jobs/; Amazon Transcribe, domain/amazon_transcribe.py) and the use cases that
start them (domain/transcriptions.py), so that no engine imports the module that starts it:
the input the engine reads, its result checked and stored once, and its end without one."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain import captions, reference_data
from chalicelib.domain.notifications import tasks as notification_tasks
from chalicelib.errors import BadRequestError, ValidationError
from chalicelib.media import layout, subtitles
from chalicelib.observability import logger
from chalicelib.store import media, uploads_bucket, videos
from chalicelib.store.models.video_stages import STAGE_DONE

if TYPE_CHECKING:
    from chalicelib.store.models import Video

# What the video's `transcription_job` says is under way (VT1): a runner job or a Transcribe job.
RUNNER_MARK, TRANSCRIBE_MARK = "runner:", "transcribe:"
INPUT_URL_SECONDS = 6 * 3600


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
