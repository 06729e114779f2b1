"""The tracker's active shard set (docs/tracker.md, "Scaling on connections"): one item."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem


class TrackerShards(TableItem, discriminator="TrackerShards"):
    # Shards 0..active-1 are the ones the API hashes videos over.
    active = NumberAttribute()
    # steady, starting or draining (chalicelib/domain/tracker_scaling.py's PHASES), and the
    # shard starting or draining.
    phase = UnicodeAttribute()
    shard = NumberAttribute(null=True)
    changed_at = UTCDateTimeAttribute(null=True)
    # Raised by every write, which requires the version it read: two scaler runs never both act.
    version = NumberAttribute()
