"""A comment on a video (PeerTube's VideoComment), in the video's partition: every comment
of a thread shares the key prefix of its thread, so one Query reads a whole thread."""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from chalicelib.store.models.base import TableItem


class VideoComment(TableItem, discriminator="VideoComment"):
    id = NumberAttribute()
    video_id = NumberAttribute()
    thread_id = NumberAttribute()  # the thread's root; a root's is its own id
    in_reply_to_id = NumberAttribute(null=True)  # None for a thread root
    account_id = NumberAttribute(null=True)  # None once deleted, as PeerTube's markAsDeleted
    text = UnicodeAttribute(default="")  # verbatim, as PeerTube stores it; "" once deleted
    url = UnicodeAttribute()
    held_for_review = BooleanAttribute(default=False)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    deleted_at = UTCDateTimeAttribute(null=True)
    # On thread roots only, kept by the transactions that add or delete replies (the
    # thread list shows them without reading the replies): not-deleted replies, and those
    # by the video's owner account.
    replies = NumberAttribute(default=0)
    replies_from_video_author = NumberAttribute(default=0)
