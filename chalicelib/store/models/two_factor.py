"""A user's request to turn two-factor login on (PeerTube keeps it in Redis): the seed offered,
sealed, and the hash of the request token that confirms it. One per user (a new request
replaces it), in the user's partition; it expires, and readers check `expires_at`."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from chalicelib.store.models.base import TableItem


class TwoFactorRequest(TableItem, discriminator="TwoFactorRequest"):
    token_hash = UnicodeAttribute()
    secret = UnicodeAttribute()  # sealed (store/sealed_keys.py seal_user_secret)
