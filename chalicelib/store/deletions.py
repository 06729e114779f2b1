"""Deletions of accounts and channels under way (D1-D4 in docs/data-model.md).

Asking for a deletion is one transaction, whatever the number of videos: the user, account
and channels are marked (`deleting_at`, which direct readers check), and a `Deletion` item
joins the catalogue's change feed (which hides the actor and its videos from every list).
The work queue then removes the videos, and last the actors and this item.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.store import keys
from chalicelib.store.counters import add_stats
from chalicelib.store.models import Actor, Deletion, User
from chalicelib.store.models.deletion import KIND_ACCOUNT, KIND_CHANNEL
from chalicelib.store.users import role_stats
from chalicelib.store.writes import connection, is_condition_failure


def _deletion(kind: str, actor_id: int, now: datetime, user_id: int | None = None) -> Deletion:
    return Deletion(
        keys.deletion_pk(actor_id),
        keys.ENTITY_SK,
        target_kind=kind,
        target_id=actor_id,
        user_id=user_id,
        requested_at=now,
        gsi1pk=keys.deletions_gsi1pk(),
        gsi1sk=keys.created_sort_key(now.astimezone(UTC).isoformat(), actor_id),
    )


def _hidden(now: datetime) -> list[Any]:
    return [Actor.deleting_at.set(now), Actor.gsi1pk.remove(), Actor.gsi1sk.remove()]


def mark_account(user: User, account: Actor, channels: Sequence[Actor], now: datetime) -> bool:
    """D1: the user (out of the users list, U3), its account and channels marked, and the
    job's item, in one transaction; False if another request marked them first. At most 23 items (20 channels)."""
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.update(
                user,
                actions=[User.deleting_at.set(now), User.gsi1pk.remove(), User.gsi1sk.remove()],
                condition=User.pk.exists() & User.deleting_at.does_not_exist(),
            )
            for actor in (account, *channels):
                # Out of the local accounts and channels lists (A5, A6); an account's channels
                # stay in its list (A4), where the job finds them.
                transaction.update(actor, actions=_hidden(now), condition=Actor.pk.exists())
            transaction.save(
                _deletion(KIND_ACCOUNT, int(account.id), now, int(user.id)), condition=Deletion.pk.does_not_exist()
            )
            # Counted out now: the user and its channels are gone for every reader.
            add_stats(transaction, {"users": -1, "local_channels": -len(channels), **role_stats(int(user.role), -1)})
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    user.deleting_at = now
    return True


def mark_channel(channel: Actor, now: datetime) -> bool:
    """D1 for a channel; False if it is gone or already being deleted."""
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.update(
                channel,
                # Out of its account's channels too (A4): they no longer count it.
                actions=[*_hidden(now), Actor.gsi2pk.remove(), Actor.gsi2sk.remove()],
                condition=Actor.pk.exists() & Actor.deleting_at.does_not_exist(),
            )
            transaction.save(_deletion(KIND_CHANNEL, int(channel.id), now), condition=Deletion.pk.does_not_exist())
            add_stats(transaction, {"local_channels": -1})
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    channel.deleting_at = now
    return True


def get_deletion(actor_id: int) -> Deletion | None:
    """D2 (consistent: a job that just finished must not start again)."""
    try:
        return Deletion.get(keys.deletion_pk(actor_id), keys.ENTITY_SK, consistent_read=True)
    except Deletion.DoesNotExist:
        return None


def list_deletions(limit: int = 100) -> list[Deletion]:
    """D3: deletions under way, oldest first (what an operator looks at if one stalls)."""
    found = Deletion.by_gsi1.query(keys.deletions_gsi1pk(), limit=limit)
    return [item for item in found if isinstance(item, Deletion)]


def videos_done(deletion: Deletion, now: datetime) -> None:
    """Record that no video is left (once: a repeated message keeps the first instant)."""
    deletion.update(actions=[Deletion.videos_done_at.set(Deletion.videos_done_at | now)])
    deletion.videos_done_at = deletion.videos_done_at or now


def finish(deletion: Deletion) -> None:
    """D4: the job is over (its actors are deleted, with their tombstones)."""
    deletion.delete()
