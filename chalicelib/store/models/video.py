"""A video, local or remote. Its files, captions and comments are items of their own."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.store.models.base import TableItem

PRIVACY_PUBLIC = 1
STATE_PUBLISHED = 1
STATE_TO_TRANSCODE = 2


class Video(TableItem, discriminator="Video"):
    id = NumberAttribute()
    uuid = UnicodeAttribute()
    name = UnicodeAttribute()
    channel_id = NumberAttribute()
    account_id = NumberAttribute()
    is_local = BooleanAttribute(default=True)
    url = UnicodeAttribute()
    privacy = NumberAttribute(default=PRIVACY_PUBLIC)
    state = NumberAttribute(default=STATE_TO_TRANSCODE)
    category = NumberAttribute(null=True)
    licence = NumberAttribute(null=True)
    language = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)
    support = UnicodeAttribute(null=True)
    tags = UnicodeSetAttribute(null=True)
    nsfw = BooleanAttribute(default=False)
    duration = NumberAttribute(default=0)
    views = NumberAttribute(default=0)
    likes = NumberAttribute(default=0)
    dislikes = NumberAttribute(default=0)
    comments_enabled = BooleanAttribute(default=True)
    download_enabled = BooleanAttribute(default=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    published_at = UTCDateTimeAttribute(null=True)
