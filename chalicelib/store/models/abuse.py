"""A report of a video, a comment or an account (PeerTube's Abuse with its VideoAbuse or
VideoCommentAbuse), by a local user or by a remote account through a Flag activity.

It lives in its own partition with its messages; `gsi1` lists every abuse (the moderation
list) and `gsi2` those of one reporter (a user's own reports), both by creation time.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.store.models.base import TableItem

PENDING = 1
REJECTED = 2
ACCEPTED = 3


class Abuse(TableItem, discriminator="Abuse"):
    id = NumberAttribute()
    reporter_account_id = NumberAttribute(null=True)
    flagged_account_id = NumberAttribute()
    reason = UnicodeAttribute()
    # PeerTube's numbers (1-8)
    predefined_reasons: ListAttribute[int] = ListAttribute(of=NumberAttribute, default=list)  # type: ignore[arg-type]
    state = NumberAttribute(default=PENDING)
    moderation_comment = UnicodeAttribute(null=True)
    processed_at = UTCDateTimeAttribute(null=True)  # the first moderation (state change or message)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    # A video report: the video, with what the list shows once the video is gone, and the
    # reported part (seconds). A comment report also names the comment's video and thread
    # (where the comment item lives). An account report has neither.
    video_id = NumberAttribute(null=True)
    video_uuid = UnicodeAttribute(null=True)
    video_name = UnicodeAttribute(null=True)
    video_nsfw = BooleanAttribute(default=False)
    channel_id = NumberAttribute(null=True)
    start_at = NumberAttribute(null=True)
    end_at = NumberAttribute(null=True)
    comment_id = NumberAttribute(null=True)
    comment_thread_id = NumberAttribute(null=True)
    # Reports from other servers: the Flag activity's id (None for reports made here).
    activity_url = UnicodeAttribute(null=True)
    messages_count = NumberAttribute(default=0)

    @property
    def subject(self) -> str:
        """What is reported: "video", "comment" or "account" (PeerTube's abuse filter)."""
        if self.comment_id is not None:
            return "comment"
        return "video" if self.video_id is not None else "account"

    @property
    def reported_here(self) -> bool:
        return self.activity_url is None


class AbuseMessage(TableItem, discriminator="AbuseMessage"):
    """A message between the reporter and the moderators, in the abuse's partition."""

    id = NumberAttribute()
    abuse_id = NumberAttribute()
    account_id = NumberAttribute(null=True)
    message = UnicodeAttribute()
    by_moderator = BooleanAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
