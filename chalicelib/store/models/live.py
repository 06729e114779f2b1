"""A live's settings and its sessions (PeerTube's VideoLive and VideoLiveSession), items of
the live video's partition: the ingest's role may read and update `VIDEO#` partitions and
`LIVEKEY#` claims only (template.yaml, LiveTaskRole), so everything it needs is here."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.store.models.base import TableItem

LATENCY_DEFAULT = 1


class LiveVideo(TableItem, discriminator="LiveVideo"):
    """`VIDEO#<id>` / `LIVE`: the live settings of a video (a remote live's have no key)."""

    video_id = NumberAttribute()
    # Shown to its owner (PeerTube keeps it so); the ingest finds the live through the
    # LIVEKEY claim, keyed by the key's digest, never by the key itself.
    stream_key = UnicodeAttribute(null=True)
    permanent_live = BooleanAttribute(default=False)
    save_replay = BooleanAttribute(default=False)
    replay_privacy = NumberAttribute(null=True)  # replaySettings.privacy, when the replay is saved
    latency_mode = NumberAttribute(default=LATENCY_DEFAULT)
    schedules = JSONAttribute(null=True)  # [ISO start dates]
    # rtmp(s):// URLs the ingest pushes the stream on to (Cirrus's simulcast); they hold
    # other platforms' stream keys, so only the live's managers see them.
    simulcast_targets = JSONAttribute(null=True)
    # Copied from the owner's user when it is blocked or unblocked: the ingest may not read
    # users, and refuses a blocked owner's stream.
    owner_blocked = BooleanAttribute(default=False)
    sessions = NumberAttribute(default=0)  # sessions begun: the next one's number is sessions + 1
    current_session = NumberAttribute(null=True)  # the number of the session under way
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


class LiveSession(TableItem, discriminator="LiveSession"):
    """`VIDEO#<id>` / `LIVESESSION#<number, 6 digits>`: one session of a live, from the moment
    it was playable to its end (the reconnect window included)."""

    id = NumberAttribute()  # PeerTube's session id: <video id> * 100000 + number
    video_id = NumberAttribute()
    number = NumberAttribute()
    started_at = UTCDateTimeAttribute()
    ended_at = UTCDateTimeAttribute(null=True)
    error = NumberAttribute(null=True)  # PeerTube's LiveVideoError
    reason = UnicodeAttribute(null=True)  # the ingest's words for it (logs, the owner)
    # The live's replay settings when the session began (PeerTube snapshots them too).
    save_replay = BooleanAttribute(default=False)
    replay_privacy = NumberAttribute(null=True)
    permanent_live = BooleanAttribute(default=False)
    replay_video_id = NumberAttribute(null=True)
    ending_processed = BooleanAttribute(default=False)
    # What the replay is made from: the session's segment names' tag and, per rendition,
    # {index, resolution, width, height, fps, segments} (the ingest names segments
    # <tag>-<rendition>-<sequence>.ts, sequences from 0; chalicelib/media/layout.py).
    segment_tag = UnicodeAttribute(null=True)
    renditions = JSONAttribute(null=True)
    directory = UnicodeAttribute(null=True)  # the media bucket prefix it was written under
    connections = NumberAttribute(default=0)
