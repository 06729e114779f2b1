"""Subscriptions: a user's account following channels (PeerTube's my-subscriptions).

Channels of this instance are followed at once (accepted). A remote channel is found by
WebFinger and asked with a Follow from the user's account (domain/remote_subscriptions.py);
the subscription counts once the channel's server accepts it. PeerTube answers 204 before trying, and so does Cirrus
when the remote server cannot be reached (the failure is logged).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from chalicelib.domain import events
from chalicelib.errors import NotFoundError, ValidationError
from chalicelib.store import catalog, follows
from chalicelib.store.models.follow import STATE_ACCEPTED

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.config import Settings
    from chalicelib.store.models import Actor, Follow, User

# Tells a remote channel that a user's account stopped following it.
TellRemote = Callable[["User", "Actor", "Follow"], None]
HANDLE = re.compile(r"^[^@\s]+@[A-Za-z0-9.-]+(:\d+)?$")
URI_MESSAGE = "Should have a valid URI to follow (username@domain)"


def is_handle(value: object) -> bool:
    return isinstance(value, str) and HANDLE.match(value) is not None


def read_handle(value: object, field: str = "uri", location: str = "body") -> str:
    if not is_handle(value):
        raise ValidationError({field: URI_MESSAGE}, location=location)
    return str(value)


def local_channel(handle: str, settings: Settings) -> Actor | None:
    """The channel of this instance a `name@host` handle names (from the catalogue)."""
    _name, host = handle.rsplit("@", 1)
    if host.lower() != settings.instance_host.lower():
        return None
    return known_channel(handle, settings)


def known_channel(handle: str, settings: Settings) -> Actor | None:
    """The channel, local or remote, a `name@host` handle names, if Cirrus knows it."""
    name, host = handle.rsplit("@", 1)
    local = host.lower() == settings.instance_host.lower()
    wanted = name.lower()
    for actor in catalog.current().actors.values():
        if actor.actor_type != "Group" or actor.preferred_username.lower() != wanted:
            continue
        if (local and actor.is_local) or (not local and str(actor.host or "").lower() == host.lower()):
            return actor
    return None


def subscribe(user: User, handle: str, settings: Settings, now: datetime) -> None:
    channel = local_channel(handle, settings)
    if channel is not None:
        created = follows.follow(int(user.account_id), int(channel.id), STATE_ACCEPTED, now)
        if created is not None:
            events.emit(events.ActorFollowed(created))
        return
    if handle.rsplit("@", 1)[1].lower() == settings.instance_host.lower():
        return  # an unknown local name, or an account: PeerTube's job only logs it
    from chalicelib.domain import remote_subscriptions

    remote_subscriptions.queue_follow(user, handle)


def subscription(user: User, handle: str, settings: Settings) -> tuple[Actor, Follow]:
    channel = known_channel(handle, settings)
    found = follows.get_follow(int(user.account_id), int(channel.id)) if channel else None
    if channel is None or found is None or found.state != STATE_ACCEPTED:
        raise NotFoundError(f"Subscription {handle} not found.")
    return channel, found


def unsubscribe(user: User, handle: str, settings: Settings, tell_remote: TellRemote) -> None:
    """`tell_remote` tells a remote channel its subscriber left, before the subscription goes
    (activitypub/follows.py: unfollow_channel); its failure keeps the subscription."""
    channel, found = subscription(user, handle, settings)
    if not channel.is_local:
        tell_remote(user, channel, found)
    if not follows.unfollow(found):
        raise NotFoundError(f"Subscription {handle} not found.")


def subscribed_channels(user: User) -> list[tuple[Follow, Actor]]:
    """Accepted subscriptions to channels that still exist, oldest first."""
    actors = catalog.current().actors
    return [
        (follow, actors[int(follow.target_id)])
        for follow in follows.list_following(int(user.account_id))
        if follow.state == STATE_ACCEPTED
        and int(follow.target_id) in actors
        and actors[int(follow.target_id)].actor_type == "Group"
    ]


def existing(user: User, handles: list[str], settings: Settings) -> dict[str, bool]:
    channels = {handle: known_channel(handle, settings) for handle in handles}
    ids = [int(c.id) for c in channels.values() if c is not None]
    found = follows.get_follows(int(user.account_id), ids) if ids else {}
    return {
        handle: channel is not None and int(channel.id) in found and found[int(channel.id)].state == STATE_ACCEPTED
        for handle, channel in channels.items()
    }
