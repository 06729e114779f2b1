"""The instance's follows, as its administrators manage them: following other instances,
channels or accounts, and answering the instances that follow this one."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.activitypub import follow_links, remote_actors, remote_discovery
from chalicelib.activitypub.delivery import outbox
from chalicelib.activitypub.outbound import follows as activities
from chalicelib.errors import BadRequestError, NotFoundError, ValidationError
from chalicelib.observability import logger
from chalicelib.store import actors, follows
from chalicelib.store.actors import server_actor_id
from chalicelib.store.models.follow import STATE_ACCEPTED, STATE_PENDING, STATE_REJECTED

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.store.models import Actor, Follow

MAX_TARGETS = 20  # per request: each is a few remote fetches inside the API's 29 s


@dataclass(frozen=True)
class FollowRow:
    follow: Follow
    follower: Actor
    following: Actor


def server_actor() -> Actor:
    actor = actors.get_actor(server_actor_id())
    if actor is None:
        raise LookupError("the instance actor is missing")
    return actor


def check_targets(hosts: Sequence[str], handles: Sequence[str]) -> None:
    errors: dict[str, str] = {}
    if len(set(hosts)) != len(hosts) or not all(remote_discovery.is_host(h) for h in hosts):
        errors["hosts"] = "Should have an array of unique hosts"
    if len(set(handles)) != len(handles) or not all(remote_discovery.is_handle(h) for h in handles):
        errors["handles"] = "Should have an array of handles"
    if errors:
        raise ValidationError(errors)
    if not hosts and not handles:
        raise BadRequestError("You must provide at least one handle or one host.")
    if len(hosts) + len(handles) > MAX_TARGETS:
        raise ValidationError({"hosts": f"Follow at most {MAX_TARGETS} hosts and handles at once"})


def follow_targets(hosts: Sequence[str], handles: Sequence[str], settings: Settings, now: datetime) -> list[str]:
    """Follow each target; the ones that could not be reached are returned (and logged), as
    PeerTube's follow jobs fail on their own without failing the request."""
    check_targets(hosts, handles)
    follower = server_actor()
    failed: list[str] = []
    scheme = settings.instance_scheme
    targets = [(h, True) for h in hosts] + [(h, False) for h in handles]
    for name, is_host in targets:
        try:
            if is_host:
                located = remote_discovery.instance_actor_url(name.lower(), scheme)
            else:
                located = remote_discovery.handle_actor_url(name)
            target = remote_actors.resolve(located)
        except Exception as exc:
            logger.warning("cannot follow", extra={"target": name, "error": str(exc)})
            failed.append(name)
            continue
        follow_actor(follower, target, now)
    return failed


def follow_actor(follower: Actor, target: Actor, now: datetime) -> None:
    """Ask `target` to accept `follower` (again, unless it already has)."""
    activity_id = activities.follow_id(str(follower.url), int(target.id))
    existing = follows.get_follow(int(follower.id), int(target.id))
    if existing is not None and existing.state == STATE_ACCEPTED:
        return
    if existing is None:
        follows.follow(int(follower.id), int(target.id), STATE_PENDING, now, url=activity_id)
    elif existing.state == STATE_REJECTED:
        follows.unfollow(existing)
        follows.follow(int(follower.id), int(target.id), STATE_PENDING, now, url=activity_id)
    document = activities.follow(activity_id, str(follower.url), str(target.url))
    outbox.broadcast(document, int(follower.id), inboxes=[str(target.inbox_url)])


def unfollow(host_or_handle: str) -> None:
    follower = server_actor()
    name, _, host = host_or_handle.rpartition("@") if "@" in host_or_handle else ("peertube", "", host_or_handle)
    row = _find(following_rows(follower), lambda r: r.following, name, host)
    if row is None:
        raise NotFoundError(f"Follow {host_or_handle} not found.")
    if row.follow.state in (STATE_ACCEPTED, STATE_PENDING):
        document = activities.undo_follow(str(row.follow.url), str(follower.url), str(row.following.url))
        outbox.broadcast(document, int(follower.id), inboxes=[str(row.following.inbox_url)])
    follows.unfollow(row.follow, follow_links.following_stats(follower, row.following, -1))


def accept_follower(handle: str, settings: Settings, now: datetime) -> None:
    row = _follower_row(handle)
    if row.follow.state not in (STATE_PENDING, STATE_REJECTED):
        raise BadRequestError("Follow is not in pending/rejected state.")
    follows.accept(row.follow, now, follow_links.follower_stats(row.following, 1))
    follow_links.send_accept(row.follow, row.follower, row.following, settings.instance_url)
    follow_links.follow_back(row.follower, row.following, settings, now)


def reject_follower(handle: str, settings: Settings, now: datetime) -> None:
    row = _follower_row(handle)
    if row.follow.state not in (STATE_PENDING, STATE_ACCEPTED):
        raise BadRequestError("Follow is not in pending/accepted state.")
    follows.reject(row.follow, now, follow_links.follower_stats(row.following, -1))
    follow_links.send_reject(str(row.follow.url), row.follower, row.following, settings.instance_url, now.isoformat())


def remove_follower(handle: str, settings: Settings, now: datetime) -> None:
    row = _follower_row(handle)
    if row.follow.state in (STATE_PENDING, STATE_ACCEPTED):
        follow_links.send_reject(
            str(row.follow.url), row.follower, row.following, settings.instance_url, now.isoformat()
        )
    follows.unfollow(row.follow, follow_links.follower_stats(row.following, -1))


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


def _follower_row(handle: str) -> FollowRow:
    if not remote_discovery.is_handle(handle):
        raise ValidationError({"handle": "Invalid value"}, location="params")
    name, _, host = handle.rpartition("@")
    row = _find(follower_rows(server_actor()), lambda r: r.follower, name, host)
    if row is None:
        raise NotFoundError(f"Follower {handle} not found.")
    return row


def _find(rows: list[FollowRow], side: Callable[[FollowRow], Actor], name: str, host: str) -> FollowRow | None:
    for row in rows:
        actor = side(row)
        if str(actor.preferred_username).lower() == name.lower() and str(actor.host or "").lower() == host.lower():
            return row
    return None
