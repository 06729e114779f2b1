"""Web Push (docs/notifications.md, "Web Push"): a user's browsers' push subscriptions, the
marks that send each notification to each of them once, and the instance's VAPID key pair."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem


class PushSubscription(TableItem, discriminator="PushSubscription"):
    """One browser's subscription (the PushSubscription it gave), in its user's partition."""

    endpoint = UnicodeAttribute()  # the push service's URL for this browser
    p256dh = UnicodeAttribute()  # the browser's P-256 public key (base64url, uncompressed point)
    auth = UnicodeAttribute()  # the browser's 16-byte authentication secret (base64url)
    created_at = UTCDateTimeAttribute()


class PushSent(TableItem, discriminator="PushSent"):
    """A notification pushed to one subscription (expires: it only guards redeliveries)."""


class VapidKeys(TableItem, discriminator="VapidKeys"):
    """The instance's VAPID key pair (RFC 8292), made once."""

    public_key = UnicodeAttribute()  # base64url of the uncompressed P-256 point (the SPA's applicationServerKey)
    private_key = UnicodeAttribute()  # PKCS#8 PEM, sealed (store/sealed_keys.py seal_instance_secret)
    created_at = UTCDateTimeAttribute()
