"""A user's watch history: one item per (user, video), where the user last was in it."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem


class HistoryEntry(TableItem, discriminator="HistoryEntry"):
    """`USER#<id>` / `HISTORY#<video id>`: moved forward by the player's pings (at most one
    write per viewer per HISTORY_EVERY, domain/history.py)."""

    user_id = NumberAttribute()
    video_id = NumberAttribute()
    current_time = NumberAttribute()  # seconds into the video
    updated_at = UTCDateTimeAttribute()  # when it was last watched: the list's order
