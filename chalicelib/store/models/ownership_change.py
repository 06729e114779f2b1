"""A video ownership change (PeerTube's VideoChangeOwnership): its own partition,
`OWNERSHIP#<id>`, listed for the account it is offered to through gsi1
(`OWNERSHIPS#ACCOUNT#<id>`, by creation time)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem

# PeerTube's VideoChangeOwnershipStatus (the `status` it still sends, deprecated in 8.2).
OWNERSHIP_WAITING, OWNERSHIP_ACCEPTED, OWNERSHIP_REFUSED = "WAITING", "ACCEPTED", "REFUSED"
# PeerTube 8.2's ChangeOwnershipState (`state`: {id, label}) for each status.
OWNERSHIP_STATES = {
    OWNERSHIP_WAITING: {"id": 1, "label": "Pending"},
    OWNERSHIP_REFUSED: {"id": 2, "label": "Rejected"},
    OWNERSHIP_ACCEPTED: {"id": 3, "label": "Accepted"},
}


class OwnershipChange(TableItem, discriminator="OwnershipChange"):
    id = NumberAttribute()
    video_id = NumberAttribute()
    initiator_account_id = NumberAttribute()
    next_owner_account_id = NumberAttribute()
    status = UnicodeAttribute(default=OWNERSHIP_WAITING)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
