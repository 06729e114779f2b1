"""Access patterns of captions and chapters (VC1-VC4 in docs/data-model.md): they live in
their video's partition, under `CAPTION#<language>` and `CHAPTERS`, so one Query lists the
captions, one GetItem reads the chapters, and the video's deletion (videos.delete_leftovers)
takes them with it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pynamodb.exceptions import UpdateError

from chalicelib.store import keys
from chalicelib.store.models import VideoCaption, VideoChapters
from chalicelib.store.models.video_caption import new_chapter


def list_captions(video_id: int) -> list[VideoCaption]:
    """VC1: a video's captions, by language (one Query, consistent: a caption just put is
    listed at once, and the master playlist is rewritten from this list)."""
    items = VideoCaption.query(
        keys.video_pk(video_id), VideoCaption.sk.startswith(keys.CAPTION_SK_PREFIX), consistent_read=True
    )
    return [item for item in items if isinstance(item, VideoCaption)]


def new_caption(video_id: int, language: str, file_name: str, now: datetime) -> VideoCaption:
    return VideoCaption(
        keys.video_pk(video_id),
        keys.caption_sk(language),
        video_id=video_id,
        language=language,
        file_name=file_name,
        playlist_name=None,
        automatically_generated=False,
        created_at=now,
        updated_at=now,
    )


def save_caption(caption: VideoCaption) -> None:
    """VC2: put (or replace) a language's caption."""
    caption.save()


def set_playlist_name(caption: VideoCaption, playlist_name: str | None) -> None:
    """VC2: its HLS playlist written or forgotten (an update of that attribute, if it exists)."""
    if caption.playlist_name == playlist_name:
        return
    action = VideoCaption.playlist_name.set(playlist_name) if playlist_name else VideoCaption.playlist_name.remove()
    try:
        caption.update(actions=[action], condition=VideoCaption.pk.exists())
    except UpdateError:  # deleted meanwhile: nothing to name
        return
    caption.playlist_name = playlist_name


def delete_caption(caption: VideoCaption) -> None:
    """VC3."""
    caption.delete()


def get_chapters(video_id: int) -> list[dict[str, object]] | None:
    """VC4: the chapters its owner set (None: never set, the description's apply)."""
    try:
        item = VideoChapters.get(keys.video_pk(video_id), keys.CHAPTERS_SK, consistent_read=True)
    except VideoChapters.DoesNotExist:
        return None
    return [{"timecode": int(c.timecode), "title": str(c.title)} for c in item.chapters or []]


def set_chapters(video_id: int, chapters: Sequence[tuple[int, str]], now: datetime) -> None:
    """VC4: replace them all (one PutItem)."""
    VideoChapters(
        keys.video_pk(video_id),
        keys.CHAPTERS_SK,
        video_id=video_id,
        chapters=[new_chapter(timecode, title) for timecode, title in chapters],
        updated_at=now,
    ).save()
