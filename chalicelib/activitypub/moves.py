"""Moving house (docs/federation.md, "Moving an account").

A local account names the accounts it also is (`alsoKnownAs`, its aliases) and moves to
another account that names it back: the account is marked moved (`movedTo`) and a `Move` goes
to its followers. An actor that moved, here or elsewhere, takes its local followers along:
each follows the new actor and leaves the old one.

An actor may have any number of local followers, so the work is never done where the Move
is handled: one work message per page of followers (MOVE_PAGE follows, one Query), the next
page queued before this one is done. Every step is idempotent: following an actor already
followed sends nothing, and leaving a follow already gone changes nothing, so a message
delivered twice (or a page done twice) moves nobody twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.activitypub import local_objects
from chalicelib.activitypub.contexts import context_for
from chalicelib.activitypub.delivery import outbox
from chalicelib.activitypub.documents.common import with_context
from chalicelib.activitypub.errors import RemoteFetchError
from chalicelib.activitypub.follows import follow_actor
from chalicelib.activitypub.net import discovery
from chalicelib.activitypub.net.addresses import check_url
from chalicelib.activitypub.outbound.send_follows import send_undo_follow
from chalicelib.activitypub.remote import actors as remote_actors
from chalicelib.activitypub.remote.parse.checks import InvalidDocument, url
from chalicelib.config import get_settings
from chalicelib.domain import events
from chalicelib.domain.instance_follows import following_stats
from chalicelib.observability import logger
from chalicelib.store import actors, follows, queues
from chalicelib.store.models.follow import STATE_ACCEPTED, STATE_PENDING

if TYPE_CHECKING:
    from chalicelib.store.models import Actor, Follow

TASK = "move-followers"
MOVE_PAGE = 100
MAX_ALIASES = 10


class MoveRefused(Exception):
    """The target cannot be moved to (the API answers 400 with the reason)."""


# --- Outgoing: a local account moves --------------------------------------------------------


def check_aliases(values: Any) -> list[str]:
    """`alsoKnownAs` as a user gives it: at most MAX_ALIASES actor URLs Cirrus could fetch
    (https; the address policy's rules). Raises ValueError with the reason."""
    if not isinstance(values, list) or len(values) > MAX_ALIASES:
        raise ValueError(f"must be an array of at most {MAX_ALIASES} actor URLs")
    aliases: list[str] = []
    for value in values:
        try:
            alias = url(value, "alias")
            check_url(alias)
        except (InvalidDocument, RemoteFetchError):
            raise ValueError("must be an array of actor URLs (https)") from None
        if alias not in aliases:
            aliases.append(alias)
    return aliases


def set_aliases(account: Actor, aliases: list[str]) -> None:
    account.also_known_as = aliases
    actors.update_actor(account, ("also_known_as",))


def move_account(account: Actor, target_reference: str, now: datetime) -> Actor:
    """Move the local `account` to the account `target_reference` names (an actor URL or a
    `name@host` handle), which must name `account` in its `alsoKnownAs`: mark it moved, tell
    its followers (a `Move`, through the broadcast queue), and move its local followers
    (the work queue). The target; MoveRefused when it is not one to move to. Asked again for
    the same target, it sends the same Move (same id) again."""
    target = _resolve_target(target_reference)
    account_url = str(account.url)
    if int(target.id) == int(account.id) or str(target.url) == account_url:
        raise MoveRefused("An account cannot move to itself.")
    if target.actor_type != "Person":
        raise MoveRefused("The target is not an account.")
    if account_url not in (target.also_known_as or []):
        raise MoveRefused("The target account does not name this account in its aliases (alsoKnownAs).")
    if target.moved_to:
        raise MoveRefused("The target account has moved itself.")
    account.moved_to = str(target.url)
    actors.update_actor(account, ("moved_to",))
    document = build_move(account_url, str(target.url), int(target.id))
    outbox.broadcast(document, int(account.id), followers_of=[int(account.id)])
    queue_move(account, target)
    logger.info("account moved", extra={"account": account_url, "target": str(target.url), "at": now.isoformat()})
    return target


def build_move(account_url: str, target_url: str, target_id: int) -> dict[str, Any]:
    """Mastodon's Move: the account moves itself to the target, for its followers."""
    return with_context(
        context_for("Follow"),
        {
            "type": "Move",
            "id": f"{account_url}/moves/{target_id}",
            "actor": account_url,
            "object": account_url,
            "target": target_url,
            "to": [f"{account_url}/followers"],
        },
    )


def _resolve_target(reference: str) -> Actor:

    try:
        target_url = url(reference, "target") if "://" in reference else None
        if target_url is None:
            handle = reference.removeprefix("@")
            name, _, host = handle.rpartition("@")
            if host.lower() == get_settings().instance_host.lower():
                target_url = f"{get_settings().instance_url}/accounts/{name}"
            else:
                target_url = discovery.resolve_handle(handle)
        if local_objects.is_ours(target_url):
            local = local_objects.local_actor(target_url)
            if local is None or local.deleting_at is not None:
                raise MoveRefused("The target account is not found.")
            return local
        return remote_actors.resolve(target_url, refresh=True)
    except (InvalidDocument, RemoteFetchError) as exc:
        raise MoveRefused(f"The target account cannot be read: {exc}") from None


# --- Incoming: an actor that moved takes its local followers along --------------------------


def queue_move(origin: Actor, target: Actor) -> None:
    """Move the local followers of `origin` to `target`, off the inbox's path."""
    queues.send_work([{"task": TASK, "origin": int(origin.id), "target": int(target.id)}])


def run(task: dict[str, Any], now: datetime) -> None:
    """One page of a move (a work message): its followers follow the target and leave the origin."""
    origin_id, target_id = int(task["origin"]), int(task["target"])
    cursor = task.get("cursor")
    page, after = follows.followers_page(origin_id, cursor if isinstance(cursor, dict) else None, MOVE_PAGE)
    if after is not None:
        queues.send_work([{"task": TASK, "origin": origin_id, "target": target_id, "cursor": after}])
    moving = [f for f in page if f.state in (STATE_ACCEPTED, STATE_PENDING)]
    if not moving:
        return
    found = actors.get_actors({origin_id, target_id} | {int(f.follower_id) for f in moving})
    origin, target = found.get(origin_id), found.get(target_id)
    if origin is None or target is None:
        logger.info("move of an actor no longer known", extra={"origin": origin_id, "target": target_id})
        return
    for follow in moving:
        follower = found.get(int(follow.follower_id))
        if follower is None or not follower.is_local or follower.deleting_at is not None or follower.id == target.id:
            continue  # remote followers hear of the Move from its own server
        _move_one(follow, follower, origin, target, now)


def _move_one(follow: Follow, follower: Actor, origin: Actor, target: Actor, now: datetime) -> None:
    if target.is_local:
        created = follows.follow(int(follower.id), int(target.id), STATE_ACCEPTED, now)
        if created is not None:
            events.emit(events.ActorFollowed(created))
    else:
        follow_actor(follower, target, now)
    if follow.url:
        send_undo_follow(str(follow.url), follower, origin)
    follows.unfollow(follow, following_stats(follower, origin, -1) if follow.state == STATE_ACCEPTED else None)
