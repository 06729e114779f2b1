"""A video's captions and chapters, in its partition (PeerTube's VideoCaption and
VideoChapter): one item per caption language, one item holding the chapter list."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.store.models.base import TableItem


class VideoCaption(TableItem, discriminator="VideoCaption"):
    video_id = NumberAttribute()
    language = UnicodeAttribute()  # a key of PeerTube's VIDEO_LANGUAGES
    file_name = UnicodeAttribute()  # layout.caption_name: the WebVTT file
    playlist_name = UnicodeAttribute(null=True)  # its HLS media playlist, when the video has HLS
    automatically_generated = BooleanAttribute(default=False)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


class Chapter(MapAttribute[str, object]):
    timecode = NumberAttribute()  # seconds from the start
    title = UnicodeAttribute()


class VideoChapters(TableItem, discriminator="VideoChapters"):
    """Present once its owner set the chapters (PUT), even to none; absent, the chapters are
    those of the description's timecodes."""

    video_id = NumberAttribute()
    chapters = ListAttribute(of=Chapter, default=list)
    updated_at = UTCDateTimeAttribute()


def new_chapter(timecode: int, title: str) -> Chapter:
    return Chapter(timecode=timecode, title=title)
