"""A video's captions (PeerTube's VideoCaption, controllers/api/videos/captions.ts): put,
replace and delete one per language (its owner, or a user with UPDATE_ANY_VIDEO); a
transcription's result is stored here too (domain/transcriptions.py). Every change rewrites
the HLS playlists naming the captions (caption_files.py) and federates the video (an Update
whose `subtitleLanguage` lists them).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.domain import caption_files, events, reference_data, video_edits
from chalicelib.errors import NotFoundError, ValidationError
from chalicelib.media import layout, subtitles
from chalicelib.observability import logger
from chalicelib.store import captions as store
from chalicelib.store import media

if TYPE_CHECKING:
    from chalicelib.store.models import User, Video, VideoCaption

# What PeerTube's MIMETYPES.VIDEO_CAPTIONS accepts, and what browsers send for .srt/.vtt.
CAPTION_TYPES = frozenset(
    {"text/vtt", "application/x-subrip", "text/plain", "application/octet-stream", "text/srt", "application/srt"}
)
FILE_REFUSED = "This file is not supported or too large. Please, make sure it is of the following type : .vtt, .srt"
VTT_TYPE = "text/vtt; charset=utf-8"


def check_language(language: str) -> str:
    """PeerTube's isVideoCaptionLanguageValid: a key of its video languages."""
    if language not in reference_data.video_languages():
        raise ValidationError({"captionLanguage": "Should have a valid caption language"}, location="params")
    return language


def read_upload(data: bytes | None, content_type: str | None) -> subtitles.Caption:
    """The uploaded `captionfile` as WebVTT; 400 (PeerTube's wording) for anything else."""
    if data is None:
        raise ValidationError({"captionfile": FILE_REFUSED})
    if (content_type or "").split(";")[0].strip().lower() not in CAPTION_TYPES:
        raise ValidationError({"captionfile": FILE_REFUSED})
    try:
        return subtitles.read_caption(data)
    except subtitles.SubtitleError as error:
        raise ValidationError({"captionfile": str(error)}) from None


def put_caption(video: Video, user: User, language: str, caption: subtitles.Caption, now: datetime) -> None:
    """Add or replace the caption of a language (PUT /videos/{id}/captions/{language})."""
    video_edits.check_can_manage(video, user)
    store_caption(video, language, caption, now, automatic=False)


def store_caption(video: Video, language: str, caption: subtitles.Caption, now: datetime, *, automatic: bool) -> None:
    """Write the caption of a language (replacing the one there), rewrite the playlists
    naming captions and federate the change. `automatic`: a transcription made it."""
    private = caption_files.is_private(video)
    name = layout.caption_name(video.uuid, secrets.token_hex(4), language)
    media.put_file(layout.caption_key(video.uuid, name, private), caption.vtt.encode("utf-8"), VTT_TYPE)
    old = find_caption(video, language)
    item = store.new_caption(int(video.id), language, name, now)
    item.automatically_generated = automatic
    if old is not None:
        item.created_at = old.created_at
    store.save_caption(item)
    if old is not None:
        caption_files.delete_objects(video, old)
    caption_files.refresh_playlists(video)
    logger.info("caption put", extra={"video": video.uuid, "language": language, "cues": caption.cues})
    events.emit(events.VideoChanged(video, video))


def find_caption(video: Video, language: str) -> VideoCaption | None:
    return next((c for c in store.list_captions(int(video.id)) if c.language == language), None)


def delete_caption(video: Video, user: User, language: str) -> None:
    """DELETE /videos/{id}/captions/{language}: 404 when there is none."""
    video_edits.check_can_manage(video, user)
    found = find_caption(video, language)
    if found is None:
        raise NotFoundError("Video caption not found")
    store.delete_caption(found)
    caption_files.delete_objects(video, found)
    caption_files.refresh_playlists(video)
    events.emit(events.VideoChanged(video, video))
