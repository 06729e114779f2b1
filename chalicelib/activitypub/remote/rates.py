"""What Like and Dislike (and their Undo) do to this instance's videos: the remote account's
rating, stored with the activity's id, moving the video's counters once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub import local_objects
from chalicelib.activitypub.inbox.context import Ignored, object_id
from chalicelib.domain.federation_rules import can_federate_video
from chalicelib.domain.ratings import rate_as
from chalicelib.store import ratings

if TYPE_CHECKING:
    from chalicelib.activitypub.inbox.context import InboxContext
    from chalicelib.store.models import Video


def rated_video(activity: dict[str, Any], context: InboxContext) -> Video:
    if context.actor.actor_type != "Person":
        raise Ignored("only accounts rate videos")
    target = object_id(activity.get("object"))
    video = local_objects.local_video(target) if target else None
    if video is None or not can_federate_video(video):
        raise Ignored("rating of no federated local video")
    return video


def apply(activity: dict[str, Any], context: InboxContext, rating: str) -> None:
    video = rated_video(activity, context)
    rate_as(video, int(context.actor.id), rating, context.now, url=object_id(activity))


def undo(undone: dict[str, Any], context: InboxContext, rating: str) -> None:
    video = rated_video(undone, context)
    current = ratings.get_rate(int(context.actor.id), int(video.id))
    if current is not None and current.rating == rating:
        rate_as(video, int(context.actor.id), "none", context.now)
