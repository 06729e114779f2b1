"""A sign-up waiting for (or decided by) a moderator, when the instance requires approval."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem

STATE_PENDING = 1
STATE_REJECTED = 2
STATE_ACCEPTED = 3


class Registration(TableItem, discriminator="Registration"):
    id = NumberAttribute()
    state = NumberAttribute(default=STATE_PENDING)
    registration_reason = UnicodeAttribute()
    moderation_response = UnicodeAttribute(null=True)
    username = UnicodeAttribute()
    email = UnicodeAttribute()
    email_verified = BooleanAttribute(null=True)
    password_hash = UnicodeAttribute()
    account_display_name = UnicodeAttribute(null=True)
    channel_handle = UnicodeAttribute(null=True)
    channel_display_name = UnicodeAttribute(null=True)
    user_id = NumberAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    processed_at = UTCDateTimeAttribute(null=True)
