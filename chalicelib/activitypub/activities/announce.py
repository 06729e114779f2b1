"""Announce: a remote channel or instance shares a video. As PeerTube, only Groups and
Applications are heard (a Person's boost is not a reason to import a video); the video is
fetched from its origin when unknown."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub import local_objects
from chalicelib.activitypub.inbox.context import Ignored, object_id
from chalicelib.activitypub.remote import videos as remote_videos

if TYPE_CHECKING:
    from chalicelib.activitypub.inbox.context import InboxContext

ANNOUNCERS = ("Group", "Application")


def handle(activity: dict[str, Any], context: InboxContext) -> None:
    if context.actor.actor_type not in ANNOUNCERS:
        raise Ignored("Announce by an actor that is not a channel or an instance")
    shared = object_id(activity.get("object"))
    if shared is None:
        raise Ignored("Announce of nothing")
    if local_objects.is_ours(shared):
        return  # one of our videos, shared by a follower: nothing to import
    remote_videos.fetch(shared, context.now)
