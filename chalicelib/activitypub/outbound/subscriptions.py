"""Which federation sender reacts to which domain event (domain/events.py): the one place
that wires the domain's news to the fediverse (chalicelib/subscribers.py registers it with
the others).

The live ingest, which may read no actor, calls `register_notices()` instead of
chalicelib/subscribers.register(): its news go to the broadcast function as notices, which
sends them on (and tells the live's viewers).
"""

from __future__ import annotations

from chalicelib.activitypub.outbound import (
    send_abuses,
    send_comments,
    send_playlists,
    send_rates,
    send_videos,
    send_views,
)
from chalicelib.domain import events


def register() -> None:
    events.subscribe(events.VideoPublished, send_videos.on_published)
    events.subscribe(events.VideoRenditionAdded, send_videos.on_rendition_added)
    events.subscribe(events.VideoChanged, send_videos.on_changed)
    events.subscribe(events.VideoOwnerChanged, send_videos.on_owner_changed)
    events.subscribe(events.VideoRemoved, send_videos.on_removed)
    events.subscribe(events.CommentPosted, send_comments.on_posted)
    events.subscribe(events.CommentApproved, send_comments.on_approved)
    events.subscribe(events.CommentDeleted, send_comments.on_deleted)
    events.subscribe(events.VideoRated, send_rates.on_rated)
    events.subscribe(events.PlaylistCreated, send_playlists.on_created)
    events.subscribe(events.PlaylistChanged, send_playlists.on_changed)
    events.subscribe(events.PlaylistElementsChanged, send_playlists.on_elements_changed)
    events.subscribe(events.PlaylistRemoved, send_playlists.on_removed)
    events.subscribe(events.AbuseReported, send_abuses.on_reported)
    events.subscribe(events.RemoteVideoViewed, send_views.on_viewed)


def register_notices() -> None:
    """For the live ingest: a live's state change becomes one notice to the broadcast
    function (the Update and the viewers' `state-change`); its VideoChanged needs nothing more."""
    events.subscribe(events.LiveStateChanged, send_videos.on_live_state_noticed)
