"""A mirror of a video's HLS playlist on another server (PeerTube's VideoRedundancy): either a
server mirroring one of our videos (it told us with a CacheFile), or this instance mirroring a
remote video (the redundancy scheduler made the copy). It lives in the video's partition, right
after its HLS files, so that the Query reading a video with its files reads its mirrors too."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem

MANUAL = "manual"
STRATEGIES = ("most-views", "trending", "recently-added")


class VideoRedundancy(TableItem, discriminator="VideoRedundancy"):
    id = NumberAttribute()
    video_id = NumberAttribute()
    actor_id = NumberAttribute()  # the server's actor that holds the copy (ours for our mirrors)
    url = UnicodeAttribute()  # the CacheFile's id
    file_url = UnicodeAttribute()  # the copy's base URL (the origin's file names below it): url.href
    expires_at = UTCDateTimeAttribute(null=True)  # None: kept until removed (manual)
    strategy = UnicodeAttribute(null=True)  # ours only: STRATEGIES or MANUAL
    size = NumberAttribute(default=0)  # ours only: bytes copied
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
