"""Follows between this instance's actors and remote ones, on the ActivityPub side: finding
what to follow (WebFinger, NodeInfo), asking with a Follow, ending with an Undo, answering
the instance's followers with an Accept or a Reject, and PeerTube's follow-back.

The follows' states and the instance's counters are domain/instance_follows.py's; these use
cases wrap them with what goes over the network, and fail as the network does (the API
answers 500 when an activity cannot be queued; a queued task is tried again), unlike the
domain events' subscribers, whose failures never fail the change they follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from chalicelib.activitypub.net import discovery
from chalicelib.activitypub.outbound.build import follows as activities
from chalicelib.activitypub.outbound.send_follows import send_accept, send_follow, send_reject, send_undo_follow
from chalicelib.activitypub.remote import actors as remote_actors
from chalicelib.domain import events, instance_follows
from chalicelib.observability import logger
from chalicelib.store import actors, follows

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.config import Settings
    from chalicelib.store.models import Actor, Follow, User


def follow_actor(follower: Actor, target: Actor, now: datetime) -> bool:
    """Ask `target` to accept `follower` (again, unless it already has); whether it was asked."""
    activity_id = activities.follow_id(str(follower.url), int(target.id))
    if not instance_follows.request_follow(follower, target, activity_id, now):
        return False
    send_follow(activity_id, follower, target)
    return True


def follow_back(follower: Actor, target: Actor, settings: Settings, now: datetime) -> None:
    """`follower` was accepted by `target`: follow it in return when PeerTube's rule says so."""
    if instance_follows.should_follow_back(follower, target, settings) and follow_actor(target, follower, now):
        follow = follows.get_follow(int(target.id), int(follower.id))
        if follow is not None:
            events.emit(events.InstanceFollowedBack(follow))


# --- The instance's follows (api/server_follows.py) -------------------------------------


def follow_targets(hosts: Sequence[str], handles: Sequence[str], settings: Settings, now: datetime) -> list[str]:
    """Follow each target; the ones that could not be reached are returned (and logged), as
    PeerTube's follow jobs fail on their own without failing the request."""
    instance_follows.check_targets(hosts, handles)
    follower = instance_follows.server_actor()
    failed: list[str] = []
    scheme = settings.instance_scheme
    targets = [(h, True) for h in hosts] + [(h, False) for h in handles]
    for name, is_host in targets:
        try:
            located = discovery.instance_actor_url(name.lower(), scheme) if is_host else discovery.resolve_handle(name)
            target = remote_actors.resolve(located)
        except Exception as exc:
            logger.warning("cannot follow", extra={"target": name, "error": str(exc)})
            failed.append(name)
            continue
        follow_actor(follower, target, now)
    return failed


def unfollow(host_or_handle: str) -> None:
    follower = instance_follows.server_actor()
    row = instance_follows.following_row(follower, host_or_handle)
    if instance_follows.is_active(row.follow):
        send_undo_follow(str(row.follow.url), follower, row.following)
    instance_follows.stop_following(row)


def accept_follower(handle: str, settings: Settings, now: datetime) -> None:
    row = instance_follows.accept_follower(handle, now)
    send_accept(row.follow, row.follower, row.following, settings.instance_url)
    follow_back(row.follower, row.following, settings, now)


def reject_follower(handle: str, settings: Settings, now: datetime) -> None:
    row = instance_follows.reject_follower(handle, now)
    send_reject(str(row.follow.url), row.follower, row.following, settings.instance_url, now.isoformat())


def remove_follower(handle: str, settings: Settings, now: datetime) -> None:
    row = instance_follows.follower_row(handle)
    if instance_follows.is_active(row.follow):
        send_reject(str(row.follow.url), row.follower, row.following, settings.instance_url, now.isoformat())
    instance_follows.remove_follower(row)


# --- A user's subscriptions to remote channels (domain/subscriptions.py) ----------------


def follow_channel(account_id: int, handle: str, now: datetime) -> None:
    """The work queue's part of `domain/remote_subscriptions.queue_follow`. A channel that
    cannot be found or fetched is logged and left, as PeerTube's job leaves it; the user may
    subscribe again."""
    account = actors.get_actor(account_id)
    if account is None or account.deleting_at is not None:
        return
    try:
        channel = remote_actors.resolve(discovery.resolve_handle(handle))
    except Exception as exc:
        logger.info("remote channel not followed", extra={"handle": handle, "error": str(exc)})
        return
    if channel.actor_type != "Group":
        logger.info("not a channel, not followed", extra={"handle": handle})
        return
    follow_actor(account, channel, now)


def unfollow_channel(user: User, channel: Actor, follow: Follow) -> None:
    """Tell a remote channel its subscriber left (an Undo of the Follow). `channel` may be the
    catalogue's copy, which lacks the inbox: both actors are read whole."""
    found = actors.get_actors({int(user.account_id), int(channel.id)})
    account, target = found.get(int(user.account_id)), found.get(int(channel.id))
    if account is None or target is None or not follow.url:
        return
    send_undo_follow(str(follow.url), account, target)
