"""An account or channel being deleted: the work queue's record of the job, and the entry of
the catalogue's change feed that hides the actor and its videos from every list at once
(chalicelib/store/catalog.py), while the videos are removed one by one."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.catalogued import Catalogued

KIND_ACCOUNT = "Account"
KIND_CHANNEL = "Channel"


class Deletion(Catalogued, discriminator="Deletion"):
    target_kind = UnicodeAttribute()  # KIND_ACCOUNT or KIND_CHANNEL
    target_id = NumberAttribute()  # the actor's id
    user_id = NumberAttribute(null=True)  # an account's user
    requested_at = UTCDateTimeAttribute()
    # When the last video went: the actors stay for the grace period after, to sign the
    # videos' Delete activities (Settings.deletion_grace_seconds).
    videos_done_at = UTCDateTimeAttribute(null=True)
