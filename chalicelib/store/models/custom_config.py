"""The instance's settings as its administrator set them (PeerTube's custom configuration)."""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem


class CustomConfig(TableItem, discriminator="CustomConfig"):
    # The whole CustomConfig document last PUT, unknown fields included (they are echoed).
    document = JSONAttribute()
    updated_at = UTCDateTimeAttribute()
