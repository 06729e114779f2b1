"""Users and channels active over the last days (A1-A2 in docs/data-model.md).

Each member (a user, a channel) keeps its last active day; a counter per day holds how many
members have that day as their last. The first activity of a day moves the member from its
old day's counter to today's, in one transaction conditioned on the day it read, so each
member is counted on exactly one day and "active within the last N days" is the sum of N
counters, read in one BatchGetItem.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.store import keys
from chalicelib.store.models import ActiveDay, LastActive
from chalicelib.store.writes import connection, is_condition_failure

Kind = Literal["users", "channels"]
LONGEST_WINDOW_DAYS = 30


def mark_active(kind: Kind, member_id: int, now: datetime) -> None:
    """A1: `member_id` was active at `now` (a no-op after its first activity of the day)."""
    today = now.strftime("%Y-%m-%d")
    pk = f"ACTIVE#{kind}#{member_id}"
    try:
        previous: str | None = str(LastActive.get(pk, keys.ENTITY_SK).day)
    except LastActive.DoesNotExist:
        previous = None
    if previous is not None and previous >= today:
        return
    condition = LastActive.pk.does_not_exist() if previous is None else LastActive.day == previous
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(LastActive(pk, keys.ENTITY_SK, day=today), condition=condition)
            if previous is not None:
                transaction.update(_day(kind, previous), actions=[ActiveDay.members.add(-1)])
            transaction.update(_day(kind, today), actions=[ActiveDay.members.add(1)])
    except TransactWriteError as exc:
        if not is_condition_failure(exc):
            raise
        # Another request of the same member moved it first.


def active_counts(kind: Kind, now: datetime, windows: tuple[int, ...] = (1, 7, 30)) -> list[int]:
    """A2: per window of N days, the members active since now - N days, counted by whole
    UTC days (the day now - N days falls in is included)."""
    today = now.date()
    days = [(today - timedelta(days=offset)).strftime("%Y-%m-%d") for offset in range(LONGEST_WINDOW_DAYS + 1)]
    found = {
        str(item.sk).removeprefix("DAY#"): int(item.members or 0)
        for item in ActiveDay.batch_get([(f"ACTIVEDAYS#{kind}", f"DAY#{day}") for day in days])
    }
    return [sum(found.get(day, 0) for day in days[: window + 1]) for window in windows]


def _day(kind: Kind, day: str) -> ActiveDay:
    return ActiveDay(f"ACTIVEDAYS#{kind}", f"DAY#{day}")
