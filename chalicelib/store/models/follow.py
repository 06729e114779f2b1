"""One actor following another (PeerTube's ActorFollow): a user's account subscribed to a
channel, and later instances and remote actors following each other. It lives in the
follower's partition; gsi1 lists a target's followers, gsi2 a follower's follows by date."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem

STATE_PENDING = "pending"
STATE_ACCEPTED = "accepted"
STATE_REJECTED = "rejected"


class Follow(TableItem, discriminator="Follow"):
    follow_id = NumberAttribute(null=True)  # PeerTube's ActorFollow id; None on follows before it
    follower_id = NumberAttribute()
    target_id = NumberAttribute()
    state = UnicodeAttribute(default=STATE_PENDING)
    url = UnicodeAttribute(null=True)  # the Follow activity's id, for federation
    # Where activities for a remote follower go (its shared inbox, else its own): kept here so
    # that a fan-out reads only follows, never the follower actors. None for local followers.
    follower_inbox = UnicodeAttribute(null=True)
    # The instance following another one may mirror its videos (PeerTube's server
    # redundancyAllowed, set by PUT /api/v1/server/redundancy/{host}).
    redundancy_allowed = BooleanAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
