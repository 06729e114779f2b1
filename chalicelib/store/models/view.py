"""Views: what one viewer has watched of a video, the receipts that make each counted view
count once, and views per video per hour (the trending window's raw data)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem


class Watch(TableItem, discriminator="Watch"):
    """One viewer (session or address, hashed) watching one video; expires an hour after
    its last ping, like PeerTube's viewer state."""

    video_id = NumberAttribute()
    last_time = NumberAttribute()  # the position of the last ping, in seconds
    watch_time = NumberAttribute(default=0)  # seconds watched, summed over the pings
    pings = NumberAttribute(default=0)  # a version: each ping's write is conditioned on it
    counted_at = UTCDateTimeAttribute(null=True)  # when this viewer's view was counted
    updated_at = UTCDateTimeAttribute()
    # The last minute (Unix minutes) this viewer was counted among a live's viewers.
    live_minute = NumberAttribute(null=True)
    # When this viewer's logged-in user's history was last moved forward by a ping.
    history_at = UTCDateTimeAttribute(null=True)


class ViewReceipt(TableItem, discriminator="ViewReceipt"):
    """A counted view that reached a video's counters: a redelivered message finds it and
    is not counted again. Expires after SQS could possibly redeliver."""

    video_id = NumberAttribute()


class ViewBucket(TableItem, discriminator="ViewBucket"):
    """Views of one video during one hour."""

    video_id = NumberAttribute()
    hour = UnicodeAttribute()  # YYYY-MM-DDTHH, UTC
    views = NumberAttribute(default=0)


class LiveViewers(TableItem, discriminator="LiveViewers"):
    """`VIDEO#<id>` / `LIVE#VIEWERS#<minute mod 2>`: how many viewers pinged a live during
    one minute; the slot is taken over by the minute after next."""

    video_id = NumberAttribute()
    minute = NumberAttribute()  # Unix minutes
    viewers = NumberAttribute(default=0)
