"""A fixed-window request counter (rate limits), deleted by TTL when its window is over."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute

from chalicelib.store.models.base import TableItem


class Throttle(TableItem, discriminator="Throttle"):
    hits = NumberAttribute(default=0)
