"""Moving house: an actor that moved (a `Move`, docs/federation.md "Moving an account") takes
its followers here with it. Each local follower of the old actor follows the new one and
leaves the old one.

An actor may have any number of local followers, so the work is never done where the Move
is handled: one work message per page of followers (MOVE_PAGE follows, one Query), the next
page queued before this one is done. Every step is idempotent: following an actor already
followed sends nothing, and leaving a follow already gone changes nothing, so a message
delivered twice (or a page done twice) moves nobody twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.activitypub.follows import follow_actor
from chalicelib.activitypub.outbound.send_follows import send_undo_follow
from chalicelib.domain import events
from chalicelib.domain.instance_follows import following_stats
from chalicelib.observability import logger
from chalicelib.store import actors, follows, queues
from chalicelib.store.models.follow import STATE_ACCEPTED, STATE_PENDING

if TYPE_CHECKING:
    from chalicelib.store.models import Actor, Follow

TASK = "move-followers"
MOVE_PAGE = 100


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
