"""Access patterns of ratings (R1-R3 in docs/data-model.md).

A rating and the video's like and dislike counters change in one transaction, conditioned
on the rating read before: two concurrent changes by the same account cannot both count.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.store import keys
from chalicelib.store.models import Rate, Video
from chalicelib.store.writes import connection, is_condition_failure

COUNTERS = {"like": Video.likes, "dislike": Video.dislikes}


def get_rate(account_id: int, video_id: int) -> Rate | None:
    """R1: one GetItem."""
    try:
        return Rate.get(keys.actor_pk(account_id), keys.rate_sk(video_id), consistent_read=True)
    except Rate.DoesNotExist:
        return None


def change_rate(
    video: Video, account_id: int, previous: Rate | None, rating: str | None, now: datetime, url: str | None = None
) -> bool:
    """Replace `previous` (None: no rating) by `rating` (None: remove it), moving the video's
    counters; False when the stored rating is no longer `previous` (retry) or the video is gone."""
    actions: list[Any] = []
    if previous is not None:
        actions.append(COUNTERS[previous.rating].add(-1))
    if rating is not None:
        actions.append(COUNTERS[rating].add(1))
    key = (keys.actor_pk(account_id), keys.rate_sk(int(video.id)))
    try:
        with TransactWrite(connection=connection()) as transaction:
            if rating is None and previous is not None:
                transaction.delete(previous, condition=Rate.rating == previous.rating)
            elif rating is not None:
                item = Rate(
                    *key,
                    account_id=account_id,
                    video_id=int(video.id),
                    rating=rating,
                    url=url,
                    created_at=previous.created_at if previous else now,
                    updated_at=now,
                    gsi1pk=keys.account_rates_gsi1pk(account_id),
                    gsi1sk=keys.created_sort_key(now.isoformat(), int(video.id)),
                    gsi2pk=keys.video_rates_gsi2pk(int(video.id)),
                    gsi2sk=keys.created_sort_key(now.isoformat(), account_id),
                )
                condition = Rate.rating == previous.rating if previous else Rate.pk.does_not_exist()
                transaction.save(item, condition=condition)
            transaction.update(video, actions=actions, condition=Video.pk.exists())
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def list_account_rates(account_id: int, rating: str | None, newest_first: bool, limit: int) -> list[Rate]:
    """R2: an account's first `limit` rates by date, of one kind or both (one Query; a
    page at `start` asks for `start + count`, bounded by the API: L10)."""
    condition = Rate.rating == rating if rating else None
    found: list[Rate] = []
    items = Rate.by_gsi1.query(
        keys.account_rates_gsi1pk(account_id),
        scan_index_forward=not newest_first,
        filter_condition=condition,
        page_size=min(limit, 1000),
    )
    for item in items:
        if isinstance(item, Rate):
            found.append(item)
        if len(found) >= limit:
            break
    return found


def count_account_rates(account_id: int, rating: str | None) -> int:
    """R2's total: DynamoDB counts the rates itself (Select COUNT), returning no items."""
    condition = Rate.rating == rating if rating else None
    return int(Rate.by_gsi1.count(keys.account_rates_gsi1pk(account_id), filter_condition=condition))


def video_rates_page(video_id: int, rating: str, start: int, count: int) -> list[Rate]:
    """RT4: a video's likes (or dislikes), oldest first: one Query of `start + count` rates."""
    found: list[Rate] = []
    query = Rate.by_gsi2.query(keys.video_rates_gsi2pk(video_id), filter_condition=Rate.rating == rating)
    for item in query:
        if isinstance(item, Rate):
            found.append(item)
        if len(found) >= start + count:
            break
    return found[start:]
