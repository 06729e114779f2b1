"""An activity already processed from the inbox, by its id: redeliveries are skipped. It
expires after a week, longer than any sender keeps retrying."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from chalicelib.store.models.base import TableItem


class InboxReceipt(TableItem, discriminator="InboxReceipt"):
    activity_id = UnicodeAttribute()
