"""What Cirrus knows of another server's health as a delivery target: failures in a row,
and since when it has been unreachable (None while it answers)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem


class RemoteHost(TableItem, discriminator="RemoteHost"):
    host = UnicodeAttribute()
    failures = NumberAttribute(default=0)
    last_failure_at = UTCDateTimeAttribute(null=True)
    last_success_at = UTCDateTimeAttribute(null=True)
    unreachable_since = UTCDateTimeAttribute(null=True)
