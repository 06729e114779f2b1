"""A password of a password-protected video (PeerTube's VideoPassword), in the video's
partition. Kept as the owner typed it, as PeerTube does: the owner lists them back
(GET /videos/{id}/passwords), which a one-way hash would make impossible. They are shared
secrets handed out to viewers, not account credentials."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem


class VideoPassword(TableItem, discriminator="VideoPassword"):
    id = NumberAttribute()
    video_id = NumberAttribute()
    password = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
