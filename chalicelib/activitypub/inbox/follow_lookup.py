"""The follow an Accept or Reject answers: by this instance's follower and the remote signer.

PeerTube looks the follow up by the inbox it arrived on; Cirrus also reads the embedded
Follow's actor, so an answer sent to the shared inbox is understood too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.activitypub import local_objects
from chalicelib.activitypub.inbox.context import Ignored, InboxContext, object_id
from chalicelib.store import actors, follows

if TYPE_CHECKING:
    from chalicelib.store.models import Actor, Follow


def follow_answered(activity: dict[str, Any], context: InboxContext) -> tuple[Follow, Actor]:
    follower: Actor | None = None
    embedded = activity.get("object")
    if isinstance(embedded, dict):
        follower_url = object_id(embedded.get("actor"))
        follower = local_objects.local_actor(follower_url) if follower_url else None
    if follower is None and context.inbox_actor_id is not None:
        follower = actors.get_actor(context.inbox_actor_id)
    if follower is None:
        raise Ignored("answer to a follow by no local actor")
    follow = follows.get_follow(int(follower.id), int(context.actor.id))
    if follow is None:
        raise Ignored("answer to a follow that does not exist")
    return follow, follower
