"""A claim makes a value unique (a username, an email, a video UUID) and maps it to an id.

Claims are written in the same transaction as the item they point to, with the condition
that the claim does not exist yet, so two concurrent requests cannot both take a name.
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from chalicelib.store.models.base import TableItem


class Claim(TableItem, discriminator="Claim"):
    target = UnicodeAttribute()
