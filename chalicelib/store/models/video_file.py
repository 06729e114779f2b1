"""One packaged resolution of a video: an HLS playlist and its fragmented MP4."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.store.models.base import TableItem


class VideoFile(TableItem, discriminator="VideoFile"):
    video_id = NumberAttribute()
    resolution = NumberAttribute()  # 0 for audio only
    width = NumberAttribute()
    height = NumberAttribute()
    fps = NumberAttribute()
    size = NumberAttribute()
    duration = NumberAttribute()
    bandwidth = NumberAttribute()
    codecs = UnicodeAttribute()
    playlist_name = UnicodeAttribute()
    media_name = UnicodeAttribute()
    remote_url = UnicodeAttribute(null=True)  # a remote video's file, where its origin serves it
