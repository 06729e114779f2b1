"""Access patterns of follows (F1-F4 in docs/data-model.md).

An accepted follow counts in its target's followers and its follower's following; the
counters move in the same transaction as the follow, so they never drift.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.store import counters, keys
from chalicelib.store.counters import add_stats
from chalicelib.store.models import Actor, Follow
from chalicelib.store.models.follow import STATE_ACCEPTED, STATE_REJECTED
from chalicelib.store.writes import connection, is_condition_failure


def get_follow(follower_id: int, target_id: int) -> Follow | None:
    """F1: one GetItem."""
    try:
        return Follow.get(keys.actor_pk(follower_id), keys.follow_sk(target_id))
    except Follow.DoesNotExist:
        return None


def get_follows(follower_id: int, target_ids: list[int]) -> dict[int, Follow]:
    """F1 for many: one BatchGetItem per 100."""
    found = Follow.batch_get([(keys.actor_pk(follower_id), keys.follow_sk(t)) for t in set(target_ids)])
    return {int(follow.target_id): follow for follow in found if isinstance(follow, Follow)}


def follow(
    follower_id: int,
    target_id: int,
    state: str,
    now: datetime,
    *,
    url: str | None = None,
    follower_inbox: str | None = None,
    stats: Mapping[str, int] | None = None,
) -> Follow | None:
    """F2: create a follow in `state`, and return it; None if one already exists (it is kept
    as it is)."""
    item = Follow(
        keys.actor_pk(follower_id),
        keys.follow_sk(target_id),
        follow_id=counters.next_id("follow"),
        follower_id=follower_id,
        target_id=target_id,
        state=state,
        url=url,
        follower_inbox=follower_inbox,
        created_at=now,
        updated_at=now,
        gsi1pk=keys.followers_gsi1pk(target_id),
        gsi1sk=keys.created_sort_key(now.isoformat(), follower_id),
        gsi2pk=keys.following_gsi2pk(follower_id),
        gsi2sk=keys.created_sort_key(now.isoformat(), target_id),
    )
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(item, condition=Follow.pk.does_not_exist())
            if state == STATE_ACCEPTED:
                _count(transaction, follower_id, target_id, 1)
                add_stats(transaction, stats or {})
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return None
        raise
    return item


def unfollow(existing: Follow, stats: Mapping[str, int] | None = None) -> bool:
    """F3: remove a follow (and its counts, if it was accepted); False if already gone.
    `stats` are the instance counters an accepted follow counted in (negative deltas)."""
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.delete(existing, condition=Follow.state == existing.state)
            if existing.state == STATE_ACCEPTED:
                _count(transaction, int(existing.follower_id), int(existing.target_id), -1)
                add_stats(transaction, stats or {})
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def accept(existing: Follow, now: datetime, stats: Mapping[str, int] | None = None) -> bool:
    """F5: a pending (or rejected) follow becomes accepted, counted in the same transaction;
    False if its state changed meanwhile or it is gone."""
    return _change_state(existing, STATE_ACCEPTED, now, stats)


def reject(existing: Follow, now: datetime, stats: Mapping[str, int] | None = None) -> bool:
    """F8: a follow becomes rejected (uncounted if it was accepted); False if it changed meanwhile."""
    return _change_state(existing, STATE_REJECTED, now, stats)


def _change_state(existing: Follow, state: str, now: datetime, stats: Mapping[str, int] | None) -> bool:
    """Move a follow to `state`, conditioned on the state it was read in; the counters follow
    it into or out of `accepted`, in the same transaction."""
    previous = existing.state
    if previous == state:
        return False
    delta = (state == STATE_ACCEPTED) - (previous == STATE_ACCEPTED)
    existing.state = state
    existing.updated_at = now
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(existing, condition=Follow.state == previous)
            if delta:
                _count(transaction, int(existing.follower_id), int(existing.target_id), delta)
                add_stats(transaction, stats or {})
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def remote_follower_inboxes(target_id: int) -> Iterator[str]:
    """F6: the inboxes of an actor's accepted remote followers (one Query per MB of follows)."""
    query = Follow.by_gsi1.query(keys.followers_gsi1pk(target_id), filter_condition=Follow.state == STATE_ACCEPTED)
    for follow in query:
        if isinstance(follow, Follow) and follow.follower_inbox:
            yield str(follow.follower_inbox)


def accepted_page(
    *, target_id: int | None = None, follower_id: int | None = None, start: int, count: int
) -> list[Follow]:
    """F7: accepted follows of a target (its followers) or by a follower (its following),
    oldest first, for ActivityPub collections (one Query of `start + count` follows)."""
    index: Any
    if target_id is not None:
        index, hash_key = Follow.by_gsi1, keys.followers_gsi1pk(target_id)
    elif follower_id is not None:
        index, hash_key = Follow.by_gsi2, keys.following_gsi2pk(follower_id)
    else:
        raise ValueError("a target or a follower is needed")
    found: list[Follow] = []
    for item in index.query(hash_key, filter_condition=Follow.state == STATE_ACCEPTED):
        if isinstance(item, Follow):
            found.append(item)
        if len(found) >= start + count:
            break
    return found[start:]


def followers_page(
    target_id: int, cursor: dict[str, Any] | None, limit: int
) -> tuple[list[Follow], dict[str, Any] | None]:
    """F10: the next `limit` follows of a target, from `cursor` (where the previous page
    stopped; None: the start), and the cursor after them (None at the end). One Query; the
    caller keeps the accepted local ones (pages may come back shorter after the filter)."""
    query = Follow.by_gsi1.query(
        keys.followers_gsi1pk(target_id), limit=limit, page_size=limit, last_evaluated_key=cursor
    )
    found = [follow for follow in query if isinstance(follow, Follow)]
    return found, query.last_evaluated_key


def list_followers(target_id: int) -> list[Follow]:
    """F9: every follow of a target, oldest first (the instance actor's followers: instances)."""
    return [f for f in Follow.by_gsi1.query(keys.followers_gsi1pk(target_id)) if isinstance(f, Follow)]


def list_following(follower_id: int) -> list[Follow]:
    """F4: what an actor follows, oldest first (one Query per MB; a user follows hundreds)."""
    return [f for f in Follow.by_gsi2.query(keys.following_gsi2pk(follower_id)) if isinstance(f, Follow)]


def _count(transaction: TransactWrite, follower_id: int, target_id: int, delta: int) -> None:
    # Both actors must exist: following (or counting) a deleted actor fails the whole write.
    actions: dict[int, Any] = {
        target_id: Actor.followers_count.add(delta),
        follower_id: Actor.following_count.add(delta),
    }
    for actor_id, action in actions.items():
        transaction.update(
            Actor(keys.actor_pk(actor_id), keys.ENTITY_SK), actions=[action], condition=Actor.pk.exists()
        )


def set_redundancy_allowed(existing: Follow, allowed: bool, now: datetime) -> None:
    """Whether the followed instance's videos may be mirrored here (one UpdateItem)."""
    existing.update(actions=[Follow.redundancy_allowed.set(allowed), Follow.updated_at.set(now)])
