"""The instance's follows, as its administrators manage them: the remote instances, channels
and accounts it follows, those that follow it, and how each change moves the follow's state
and the instance's counters. The ActivityPub side (finding remote actors, sending Follow,
Undo, Accept and Reject) is activitypub/follows.py, which calls these."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.domain.accounts import SERVER_ACTOR_NAME
from chalicelib.domain.handles import is_handle, is_host
from chalicelib.errors import BadRequestError, NotFoundError, ValidationError
from chalicelib.store import actors, follows
from chalicelib.store.models.follow import STATE_ACCEPTED, STATE_PENDING, STATE_REJECTED

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.config import Settings
    from chalicelib.store.models import Actor, Follow

MAX_TARGETS = 20  # per request: each is a few remote fetches inside the API's 29 s


@dataclass(frozen=True)
class FollowRow:
    follow: Follow
    follower: Actor
    following: Actor


# --- Rules ------------------------------------------------------------------------------


def is_instance_actor(actor: Actor) -> bool:
    return actor.actor_type == "Application" and actor.preferred_username == SERVER_ACTOR_NAME


def follower_stats(target: Actor, delta: int) -> dict[str, int]:
    """A remote instance following this one counts in `instance_followers`."""
    return {"instance_followers": delta} if is_instance_actor(target) and target.is_local else {}


def following_stats(follower: Actor, target: Actor, delta: int) -> dict[str, int]:
    """This instance following a remote one counts in `instance_following`."""
    return {"instance_following": delta} if follower.is_local and is_instance_actor(follower) else {}


def should_follow_back(follower: Actor, target: Actor, settings: Settings) -> bool:
    """PeerTube's auto follow-back: when enabled, an instance that follows this one (its
    `peertube` Application actor) is followed in return."""
    return (
        settings.federation.follow_back_instances
        and is_instance_actor(target)
        and bool(target.is_local)
        and is_instance_actor(follower)
        and not follower.is_local
    )


def check_targets(hosts: Sequence[str], handles: Sequence[str]) -> None:
    errors: dict[str, str] = {}
    if len(set(hosts)) != len(hosts) or not all(is_host(h) for h in hosts):
        errors["hosts"] = "Should have an array of unique hosts"
    if len(set(handles)) != len(handles) or not all(is_handle(h) for h in handles):
        errors["handles"] = "Should have an array of handles"
    if errors:
        raise ValidationError(errors)
    if not hosts and not handles:
        raise BadRequestError("You must provide at least one handle or one host.")
    if len(hosts) + len(handles) > MAX_TARGETS:
        raise ValidationError({"hosts": f"Follow at most {MAX_TARGETS} hosts and handles at once"})


# --- Changes ----------------------------------------------------------------------------


def server_actor() -> Actor:
    actor = actors.get_actor(actors.server_actor_id())
    if actor is None:
        raise LookupError("the instance actor is missing")
    return actor


def request_follow(follower: Actor, target: Actor, activity_id: str, now: datetime) -> bool:
    """Record `follower`'s request to follow `target` (pending, again if it was refused);
    whether the Follow is to be sent (not when `target` accepted it already)."""
    existing = follows.get_follow(int(follower.id), int(target.id))
    if existing is not None and existing.state == STATE_ACCEPTED:
        return False
    if existing is None:
        follows.follow(int(follower.id), int(target.id), STATE_PENDING, now, url=activity_id)
    elif existing.state == STATE_REJECTED:
        follows.unfollow(existing)
        follows.follow(int(follower.id), int(target.id), STATE_PENDING, now, url=activity_id)
    return True


def following_row(follower: Actor, host_or_handle: str) -> FollowRow:
    """What the instance follows under `host_or_handle` (a host names its instance actor)."""
    name, _, host = host_or_handle.rpartition("@") if "@" in host_or_handle else (SERVER_ACTOR_NAME, "", host_or_handle)
    row = _find(following_rows(follower), lambda r: r.following, name, host)
    if row is None:
        raise NotFoundError(f"Follow {host_or_handle} not found.")
    return row


def allow_redundancy(follower: Actor, host: str, allowed: bool, now: datetime) -> None:
    """PUT /server/redundancy/{host}: the followed instance at `host` may (or may no longer)
    be mirrored; 404 when the instance does not follow it."""
    if not is_host(host):
        raise ValidationError({"host": "Should have a valid host"}, location="params")
    follows.set_redundancy_allowed(following_row(follower, host).follow, allowed, now)


def redundancy_hosts(follower: Actor) -> set[str]:
    """The hosts of the followed instances whose videos may be mirrored here."""
    return {
        str(row.following.host or "").lower()
        for row in following_rows(follower)
        if row.follow.redundancy_allowed and row.follow.state == STATE_ACCEPTED and is_instance_actor(row.following)
    }


def stop_following(row: FollowRow) -> None:
    follows.unfollow(row.follow, following_stats(row.follower, row.following, -1))


def follower_row(handle: str) -> FollowRow:
    """The follower of the instance that `handle` names."""
    if not is_handle(handle):
        raise ValidationError({"handle": "Invalid value"}, location="params")
    name, _, host = handle.rpartition("@")
    row = _find(follower_rows(server_actor()), lambda r: r.follower, name, host)
    if row is None:
        raise NotFoundError(f"Follower {handle} not found.")
    return row


def accept_follower(handle: str, now: datetime) -> FollowRow:
    row = follower_row(handle)
    if row.follow.state not in (STATE_PENDING, STATE_REJECTED):
        raise BadRequestError("Follow is not in pending/rejected state.")
    follows.accept(row.follow, now, follower_stats(row.following, 1))
    return row


def reject_follower(handle: str, now: datetime) -> FollowRow:
    row = follower_row(handle)
    if row.follow.state not in (STATE_PENDING, STATE_ACCEPTED):
        raise BadRequestError("Follow is not in pending/accepted state.")
    follows.reject(row.follow, now, follower_stats(row.following, -1))
    return row


def remove_follower(row: FollowRow) -> None:
    follows.unfollow(row.follow, follower_stats(row.following, -1))


def is_active(follow: Follow) -> bool:
    """Whether the other side knows of `follow` as asked or accepted (and must hear of its end)."""
    return follow.state in (STATE_ACCEPTED, STATE_PENDING)


# --- Reading ----------------------------------------------------------------------------


def following_rows(follower: Actor) -> list[FollowRow]:
    """Everything the instance follows (administrators follow tens of instances, not millions)."""
    return _rows(follows.list_following(int(follower.id)))


def follower_rows(target: Actor) -> list[FollowRow]:
    return _rows(follows.list_followers(int(target.id)))


def _rows(items: list[Follow]) -> list[FollowRow]:
    ids = {int(f.follower_id) for f in items} | {int(f.target_id) for f in items}
    found = actors.get_actors(ids) if ids else {}
    return [
        FollowRow(f, found[int(f.follower_id)], found[int(f.target_id)])
        for f in items
        if int(f.follower_id) in found and int(f.target_id) in found
    ]


def _find(rows: list[FollowRow], side: Callable[[FollowRow], Actor], name: str, host: str) -> FollowRow | None:
    for row in rows:
        actor = side(row)
        if str(actor.preferred_username).lower() == name.lower() and str(actor.host or "").lower() == host.lower():
            return row
    return None
