"""A video playlist (PeerTube's VideoPlaylist). Its elements live in the same partition,
one item per position (models/playlist_element.py)."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem

PLAYLIST_PUBLIC, PLAYLIST_UNLISTED, PLAYLIST_PRIVATE = 1, 2, 3
TYPE_REGULAR, TYPE_WATCH_LATER = 1, 2


class Playlist(TableItem, discriminator="Playlist"):
    id = NumberAttribute()
    uuid = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    privacy = NumberAttribute(default=PLAYLIST_PRIVATE)
    playlist_type = NumberAttribute(default=TYPE_REGULAR)
    owner_account_id = NumberAttribute()
    channel_id = NumberAttribute(null=True)
    channel_position = NumberAttribute(null=True)  # 1-based among the channel's playlists
    url = UnicodeAttribute()
    thumbnail_path = UnicodeAttribute(null=True)  # in the media bucket, no leading /
    thumbnail_auto = BooleanAttribute(default=False)  # copied from the first video's miniature
    videos_length = NumberAttribute(default=0)  # elements, dense positions 1..videos_length
    # Bumped by every change of the elements: writes of element slots are conditioned on it,
    # so two concurrent changes of the positions cannot both apply.
    revision = NumberAttribute(default=0)
    # Remote playlists (from another server's Create/Update) keep their origin's URL in `url`.
    is_local = BooleanAttribute(default=True)
    remote_thumbnail_url = UnicodeAttribute(null=True)  # the origin's icon, copied to thumbnail_path
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
