"""A block (PeerTube's AccountBlocklist and ServerBlocklist rows): an owner account, a user's
or the instance's server actor, muting another account or a whole server. It lives in the
owner's partition, so one Query reads every block of an owner."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem


class Block(TableItem, discriminator="Block"):
    owner_id = NumberAttribute()  # the blocking account (the instance: its server actor)
    target_account_id = NumberAttribute(null=True)  # an account block
    target_url = UnicodeAttribute(null=True)  # that account's ActivityPub id (the inbox checks it)
    host = UnicodeAttribute(null=True)  # a server block: the host, lower-cased
    created_at = UTCDateTimeAttribute()

    @property
    def is_server_block(self) -> bool:
        return self.host is not None
