"""What moderation keeps beside comments: an account's watched-word lists and its automatic
tag policy (PeerTube's WatchedWordsList and AccountAutomaticTagPolicy rows), in the account's
partition (the instance's: its server actor's), so one Query reads all of an account's; and
the comment log, one entry per comment not deleted, from which the staff's and the owners'
comment lists are read without a Scan."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.store.models.base import TableItem


class WatchedWordsList(TableItem, discriminator="WatchedWordsList"):
    id = NumberAttribute()
    account_id = NumberAttribute()
    list_name = UnicodeAttribute()
    words: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


class TagPolicy(TableItem, discriminator="TagPolicy"):
    """An account's automatic tags that hold comments on its videos for review."""

    account_id = NumberAttribute()
    review: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]


class CommentEntry(TableItem, discriminator="CommentEntry"):
    """A comment as the moderation lists show it (the instance's log, newest first; and, by
    gsi1, the log of comments on a local account's videos). Written with the comment, changed
    when it is approved, removed when it is deleted."""

    comment_id = NumberAttribute()
    video_id = NumberAttribute()
    thread_id = NumberAttribute()
    in_reply_to_id = NumberAttribute(null=True)
    account_id = NumberAttribute()  # the author
    owner_account_id = NumberAttribute(null=True)  # the video's owner, if the video is local
    channel_id = NumberAttribute()  # the video's channel
    is_local = BooleanAttribute()  # written here
    on_local_video = BooleanAttribute()
    text = UnicodeAttribute(default="")
    url = UnicodeAttribute()
    held_for_review = BooleanAttribute(default=False)
    # Automatic tags: those of the instance's lists (the staff's view) and those of the video
    # owner's lists (the owner's view), as PeerTube keeps each tag with its account.
    server_tags: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    owner_tags: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
