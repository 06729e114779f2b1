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
