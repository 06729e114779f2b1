"""An account's like or dislike of a video (PeerTube's AccountVideoRate). It lives in the
account's partition; the two indexes list an account's rates and a video's raters."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem

LIKE = "like"
DISLIKE = "dislike"


class Rate(TableItem, discriminator="Rate"):
    account_id = NumberAttribute()
    video_id = NumberAttribute()
    rating = UnicodeAttribute()  # like | dislike
    url = UnicodeAttribute(null=True)  # the Like/Dislike activity's id, for federation
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
