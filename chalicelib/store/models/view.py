"""Views: what one viewer has watched of a video, the receipts that make each counted view
count once, and views per video per hour (the trending window's raw data)."""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

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
    # For the video's statistics (domain/video_stats.py): when this viewer's window began,
    # the sections it watched (flattened start, end pairs, PeerTube's watch sections), and
    # where and with what it watches, read from its first ping.
    started_at = UTCDateTimeAttribute(null=True)
    sections: ListAttribute[float] = ListAttribute(of=NumberAttribute, null=True)  # type: ignore[arg-type]
    country = UnicodeAttribute(null=True)
    subdivision = UnicodeAttribute(null=True)
    client = UnicodeAttribute(null=True)
    device = UnicodeAttribute(null=True)
    operating_system = UnicodeAttribute(null=True)


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


class VideoStats(TableItem, discriminator="VideoStats"):
    """`VIDEO#<id>` / `STATS#HOUR#<YYYY-MM-DDTHH>`, `STATS#DAY#<YYYY-MM-DD>` or `STATS#TOTAL`:
    a video's statistics over one hour, one day or its whole life. Their counters are
    attributes named by what and when they count (store/video_stats.py), added to with ADD
    by the views queue's consumer; only the fixed ones are declared here."""

    video_id = NumberAttribute()


class StatsViewer(TableItem, discriminator="StatsViewer"):
    """`STATSVIEWER#<video>#<viewer>#<window start>`: what one viewer window has already
    added to its video's statistics, so that each later state adds only the difference and
    a redelivered one adds nothing."""

    video_id = NumberAttribute()
    seq = NumberAttribute()  # the ping (Watch.pings) whose state was applied last
    start_minute = NumberAttribute()  # Unix minutes
    end_minute = NumberAttribute()
    watch_time = NumberAttribute()
    points: ListAttribute[int] = ListAttribute(of=NumberAttribute, default=list)  # type: ignore[arg-type]
