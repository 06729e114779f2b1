"""Subscribing a user's account to a channel of another server: found by WebFinger, asked
with a Follow (PeerTube's answer, an Accept, makes the subscription count), and told with an
Undo(Follow) when the user unsubscribes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.activitypub import remote_actors
from chalicelib.activitypub.delivery import outbox
from chalicelib.activitypub.outbound import follows as activities
from chalicelib.domain.instance_follows import follow_actor
from chalicelib.observability import logger
from chalicelib.store import actors

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.store.models import Actor, Follow, User


def follow_channel(user: User, handle: str, now: datetime) -> None:
    from chalicelib.activitypub.webfinger_client import resolve_handle

    account = actors.get_actor(int(user.account_id))
    try:
        channel = remote_actors.resolve(resolve_handle(handle))
    except Exception as exc:
        logger.info("remote channel not followed", extra={"handle": handle, "error": str(exc)})
        return
    if account is None or channel.actor_type != "Group":
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
