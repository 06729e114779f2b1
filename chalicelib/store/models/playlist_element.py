"""One element of a playlist, stored in the slot of its position (`POSITION#<n>`): moving
elements rewrites the slots whose content changes, and a page of elements is a key range."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem


class PlaylistElement(TableItem, discriminator="PlaylistElement"):
    id = NumberAttribute()
    playlist_id = NumberAttribute()
    position = NumberAttribute()
    video_id = NumberAttribute()
    start_timestamp = NumberAttribute(null=True)
    stop_timestamp = NumberAttribute(null=True)
    url = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
