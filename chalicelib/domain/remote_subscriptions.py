"""Subscribing a user's account to a channel of another server: found by WebFinger, asked
with a Follow (PeerTube's answer, an Accept, makes the subscription count), and told with an
Undo(Follow) when the user unsubscribes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import queues
from chalicelib.activitypub import remote_actors
from chalicelib.activitypub.delivery import outbox
from chalicelib.activitypub.outbound import follows as activities
from chalicelib.config import get_settings
from chalicelib.domain.instance_follows import follow_actor
from chalicelib.observability import logger
from chalicelib.store import actors

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.store.models import Actor, Follow, User


TASK = "follow-channel"


def queue_follow(user: User, handle: str) -> None:
    """Resolve and follow the channel off the request path, as PeerTube does (its
    `activitypub-follow` job; the request answers 204 at once): WebFinger, the actor and its
    owner are up to three remote fetches of several seconds each, too long to wait for in a
    request that API Gateway cuts at 29 s. The subscription shows once the channel is known
    and Accepts (pending until then), as on PeerTube."""
    queues.send(get_settings().queues.work, [{"task": TASK, "account": int(user.account_id), "handle": handle}])


def follow_channel(account_id: int, handle: str, now: datetime) -> None:
    """The work queue's part of `queue_follow`. A channel that cannot be found or fetched is
    logged and left, as PeerTube's job leaves it; the user may subscribe again."""
    from chalicelib.activitypub.webfinger_client import resolve_handle

    account = actors.get_actor(account_id)
    if account is None or account.deleting_at is not None:
        return
    try:
        channel = remote_actors.resolve(resolve_handle(handle))
    except Exception as exc:
        logger.info("remote channel not followed", extra={"handle": handle, "error": str(exc)})
        return
    if channel.actor_type != "Group":
        logger.info("not a channel, not followed", extra={"handle": handle})
        return
    follow_actor(account, channel, now)


def unfollow_channel(user: User, channel: Actor, follow: Follow) -> None:
    """`channel` may be the catalogue's copy, which lacks the inbox: both actors are read whole."""
    found = actors.get_actors({int(user.account_id), int(channel.id)})
    account, target = found.get(int(user.account_id)), found.get(int(channel.id))
    if account is None or target is None or not follow.url:
        return
    document = activities.undo_follow(str(follow.url), str(account.url), str(target.url))
    outbox.broadcast(document, int(account.id), inboxes=[str(target.inbox_url)])
