"""A local user: credentials, role, quotas and preferences. Its public face is an Actor."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem

ROLE_ADMINISTRATOR = 0
ROLE_MODERATOR = 1
ROLE_USER = 2


class User(TableItem, discriminator="User"):
    id = NumberAttribute()
    username = UnicodeAttribute()
    email = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    role = NumberAttribute(default=ROLE_USER)
    account_id = NumberAttribute()
    video_quota = NumberAttribute(default=-1)  # bytes; -1 is unlimited
    video_quota_daily = NumberAttribute(default=-1)
    video_quota_used = NumberAttribute(default=0)
    blocked = BooleanAttribute(default=False)
    blocked_reason = UnicodeAttribute(null=True)
    email_verified = BooleanAttribute(null=True)
    nsfw_policy = UnicodeAttribute(default="display")
    created_at = UTCDateTimeAttribute()
    last_login_at = UTCDateTimeAttribute(null=True)
