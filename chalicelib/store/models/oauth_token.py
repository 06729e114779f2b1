"""An OAuth access/refresh token pair. Only SHA-256 hashes of the tokens are stored.

The item is keyed by the access token's hash (the hot path: every authenticated request);
a Claim keyed by the refresh token's hash points back to it for the refresh grant.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem


class OAuthToken(TableItem, discriminator="OAuthToken"):
    user_id = NumberAttribute()
    client_id = UnicodeAttribute()
    refresh_token_hash = UnicodeAttribute()
    access_expires_at = UTCDateTimeAttribute()
    refresh_expires_at = UTCDateTimeAttribute()
    created_at = UTCDateTimeAttribute()
    login_ip = UnicodeAttribute(null=True)
    login_device = UnicodeAttribute(null=True)
    # The session's first login: a refresh issues a new pair but keeps these (token sessions).
    login_at = UTCDateTimeAttribute(null=True)
    # Where and when the session was last used, written at most every few minutes
    # (domain/oauth.py, ACTIVITY_EVERY), never once per request.
    last_activity_at = UTCDateTimeAttribute(null=True)
    last_activity_ip = UnicodeAttribute(null=True)
    last_activity_device = UnicodeAttribute(null=True)
