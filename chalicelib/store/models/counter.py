"""Atomic counters: id sequences, and the instance statistics behind /api/v1/server/stats."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute

from chalicelib.store.models.base import TableItem


class Counter(TableItem, discriminator="Counter"):
    value = NumberAttribute(default=0)


class InstanceStats(TableItem, discriminator="InstanceStats"):
    """One item, updated with ADD in the transaction that creates or deletes what it counts."""

    users = NumberAttribute(default=0)
    admins = NumberAttribute(default=0)
    moderators = NumberAttribute(default=0)
    local_videos = NumberAttribute(default=0)
    videos = NumberAttribute(default=0)
    local_video_views = NumberAttribute(default=0)
    local_video_downloads = NumberAttribute(default=0)
    local_video_comments = NumberAttribute(default=0)
    video_comments = NumberAttribute(default=0)
    local_video_files_size = NumberAttribute(default=0)
    local_playlists = NumberAttribute(default=0)
    local_channels = NumberAttribute(default=0)
    instance_followers = NumberAttribute(default=0)
    instance_following = NumberAttribute(default=0)
    abuses = NumberAttribute(default=0)
    abuses_processed = NumberAttribute(default=0)
    abuse_response_ms = NumberAttribute(default=0)  # creation to first moderation, summed
    registrations = NumberAttribute(default=0)
    registrations_processed = NumberAttribute(default=0)
    registration_response_ms = NumberAttribute(default=0)  # request to decision, summed
    # Inbox activities processed (functions/federation/inbox.py), since `ap_since` (epoch s).
    ap_successes = NumberAttribute(default=0)
    ap_errors = NumberAttribute(default=0)
    ap_since = NumberAttribute(null=True)
    # The same by PeerTube's activity types (ServerStats' totalActivityPub<Type>MessagesSuccesses
    # and ...Errors); store/counters.py ACTIVITY_TYPES lists them.
    ap_ok_Create = NumberAttribute(default=0)
    ap_err_Create = NumberAttribute(default=0)
    ap_ok_Update = NumberAttribute(default=0)
    ap_err_Update = NumberAttribute(default=0)
    ap_ok_Delete = NumberAttribute(default=0)
    ap_err_Delete = NumberAttribute(default=0)
    ap_ok_Follow = NumberAttribute(default=0)
    ap_err_Follow = NumberAttribute(default=0)
    ap_ok_Accept = NumberAttribute(default=0)
    ap_err_Accept = NumberAttribute(default=0)
    ap_ok_Reject = NumberAttribute(default=0)
    ap_err_Reject = NumberAttribute(default=0)
    ap_ok_Announce = NumberAttribute(default=0)
    ap_err_Announce = NumberAttribute(default=0)
    ap_ok_Undo = NumberAttribute(default=0)
    ap_err_Undo = NumberAttribute(default=0)
    ap_ok_Like = NumberAttribute(default=0)
    ap_err_Like = NumberAttribute(default=0)
    ap_ok_Dislike = NumberAttribute(default=0)
    ap_err_Dislike = NumberAttribute(default=0)
    ap_ok_Flag = NumberAttribute(default=0)
    ap_err_Flag = NumberAttribute(default=0)
    ap_ok_View = NumberAttribute(default=0)
    ap_err_View = NumberAttribute(default=0)
    ap_ok_Download = NumberAttribute(default=0)
    ap_err_Download = NumberAttribute(default=0)
    ap_ok_ApproveReply = NumberAttribute(default=0)
    ap_err_ApproveReply = NumberAttribute(default=0)
    ap_ok_RejectReply = NumberAttribute(default=0)
    ap_err_RejectReply = NumberAttribute(default=0)
