"""Follow relationships between this instance's actors and remote ones: what an accepted or
refused follow sends back, and the instance counters each kind of follow moves."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.activitypub.delivery import outbox
from chalicelib.activitypub.outbound import follows as activities
from chalicelib.domain.accounts import SERVER_ACTOR_NAME

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.config import Settings
    from chalicelib.store.models import Actor, Follow


def is_instance_actor(actor: Actor) -> bool:
    return actor.actor_type == "Application" and actor.preferred_username == SERVER_ACTOR_NAME


def follower_stats(target: Actor, delta: int) -> dict[str, int]:
    """A remote instance following this one counts in `instance_followers`."""
    return {"instance_followers": delta} if is_instance_actor(target) and target.is_local else {}


def following_stats(follower: Actor, target: Actor, delta: int) -> dict[str, int]:
    """This instance following a remote one counts in `instance_following`."""
    return {"instance_following": delta} if follower.is_local and is_instance_actor(follower) else {}


def send_accept(follow: Follow, follower: Actor, target: Actor, instance_url: str) -> None:
    accept_id = f"{instance_url}/accepts/follows/{int(follower.id)}-{int(target.id)}"
    document = activities.accept(accept_id, str(follow.url), str(follower.url), str(target.url))
    outbox.broadcast(document, int(target.id), inboxes=[str(follower.inbox_url)])


def send_reject(follow_url: str, follower: Actor, target: Actor, instance_url: str, stamp: str) -> None:
    reject_id = f"{instance_url}/rejects/follows/{stamp}"
    document = activities.reject(reject_id, follow_url, str(follower.url), str(target.url))
    outbox.broadcast(document, int(target.id), inboxes=[str(follower.inbox_url)])


def follow_back(follower: Actor, target: Actor, settings: Settings, now: datetime) -> None:
    """PeerTube's auto follow-back: when enabled, an instance that follows this one (its
    `peertube` Application actor) is followed in return."""
    if not settings.federation.follow_back_instances:
        return
    if not (is_instance_actor(target) and target.is_local and is_instance_actor(follower) and not follower.is_local):
        return
    from chalicelib.domain.instance_follows import follow_actor

    follow_actor(target, follower, now)
