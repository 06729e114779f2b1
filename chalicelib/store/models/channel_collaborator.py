"""A channel collaborator (PeerTube 8's VideoChannelCollaborator): a local account invited to
help run another account's channel. One item per channel and account, in the channel's
collaborators partition (`COLLABORATORS#CHANNEL#<id>`, sort key the account), so "is this
user a collaborator of that channel" is one GetItem; listed for the account through gsi1
(`COLLABORATIONS#ACCOUNT#<id>`, by creation)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem

# PeerTube's VideoChannelCollaboratorState.
COLLABORATOR_PENDING, COLLABORATOR_ACCEPTED, COLLABORATOR_REJECTED = 1, 2, 3
COLLABORATOR_STATE_LABELS = {
    COLLABORATOR_PENDING: "Pending",
    COLLABORATOR_ACCEPTED: "Accepted",
    COLLABORATOR_REJECTED: "Rejected",
}


class ChannelCollaborator(TableItem, discriminator="ChannelCollaborator"):
    id = NumberAttribute()
    channel_id = NumberAttribute()
    account_id = NumberAttribute()
    state = NumberAttribute(default=COLLABORATOR_PENDING)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
