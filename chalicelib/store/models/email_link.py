"""A link sent by email (PeerTube keeps these in Redis): the hash of its verification string,
never the string, for one purpose of one user (`USER#<id>` / `EMAILLINK#<purpose>`); a newer
link replaces the older. It expires (`expires_at`, which readers check), and it is used once.

`pending_email`: for a verification of a new address, the address it verifies.
`EmailSent` (`USER#<id>` / `EMAILED#<type>#<subject>`): the email of a notification went out
to its user, so that a redelivered message does not send it twice."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from chalicelib.store.models.base import TableItem


class EmailLink(TableItem, discriminator="EmailLink"):
    token_hash = UnicodeAttribute()
    pending_email = UnicodeAttribute(null=True)


class EmailSent(TableItem, discriminator="EmailSent"):
    pass
