"""The instance's OAuth client: PeerTube has one, which every client app asks for first."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem


class OAuthClient(TableItem, discriminator="OAuthClient"):
    client_id = UnicodeAttribute()
    # Not a secret in practice: PeerTube hands it to anyone at /api/v1/oauth-clients/local.
    client_secret = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
