"""Subscribing a user's account to a channel of another server, off the request path: the
work queue finds it by WebFinger and asks it with a Follow (activitypub/follows.py:
follow_channel); PeerTube's answer, an Accept, makes the subscription count."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.store import queues

if TYPE_CHECKING:
    from chalicelib.store.models import User


TASK = "follow-channel"


def queue_follow(user: User, handle: str) -> None:
    """Resolve and follow the channel off the request path, as PeerTube does (its
    `activitypub-follow` job; the request answers 204 at once): WebFinger, the actor and its
    owner are up to three remote fetches of several seconds each, too long to wait for in a
    request that API Gateway cuts at 29 s. The subscription shows once the channel is known
    and Accepts (pending until then), as on PeerTube."""
    queues.send_work([{"task": TASK, "account": int(user.account_id), "handle": handle}])
