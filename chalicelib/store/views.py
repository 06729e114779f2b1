"""Access patterns of views (W1-W4 in docs/data-model.md).

A viewer's pings touch only that viewer's item. Counted views reach the video through the
views queue, in batches: one transaction per video per batch adds them to the video's
counter and to its hourly bucket, with a receipt per view so that a redelivered message
never counts twice. No item is written once per view of a popular video.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.store import keys
from chalicelib.store.counters import add_stats
from chalicelib.store.models import Video, ViewBucket, ViewReceipt, Watch
from chalicelib.store.writes import connection, is_condition_failure

RECEIPT_LIFETIME = timedelta(days=4)  # SQS keeps a message at most 4 days by default, 14 at most
BUCKET_LIFETIME = timedelta(days=8)  # the trending window is 7 days
# A transaction holds 100 items: the video's counter, its bucket, the instance's counters
# (views of local videos), and receipts.
RECEIPTS_PER_TRANSACTION = 97


def get_watch(video_id: int, viewer: str) -> Watch | None:
    """W1: one consistent GetItem."""
    try:
        return Watch.get(keys.watch_pk(video_id, viewer), keys.ENTITY_SK, consistent_read=True)
    except Watch.DoesNotExist:
        return None


def new_watch(video_id: int, viewer: str, position: float, now: datetime) -> Watch:
    return Watch(keys.watch_pk(video_id, viewer), keys.ENTITY_SK, video_id=video_id, last_time=position, updated_at=now)


def save_watch(watch: Watch, previous_pings: int | None, expires_at: datetime) -> bool:
    """W2: write a viewer's state if nobody else did since it was read (`previous_pings` is
    None for a new one); False when a concurrent ping of the same viewer won."""
    condition = Watch.pk.does_not_exist() if previous_pings is None else Watch.pings == previous_pings
    watch.pings = (previous_pings or 0) + 1
    watch.expires_at = expires_at
    try:
        watch.save(condition=condition)
    except PutError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


@dataclass(frozen=True)
class CountedView:
    view_id: str  # unique per counted view; the receipt's key
    video_id: int
    at: datetime
    local: bool = False  # a view of this instance's video: also one of /server/stats' totalLocalVideoViews


def add_views(video_id: int, views: list[CountedView], now: datetime) -> int:
    """W3: add `views` of one video to its counter and hourly buckets; how many were new.
    Views whose receipt exists (a redelivery) are left out and the rest written again."""
    by_hour: dict[str, list[CountedView]] = {}
    unique = {view.view_id: view for view in views}  # a batch may hold one message twice
    for view in unique.values():
        by_hour.setdefault(view.at.strftime("%Y-%m-%dT%H"), []).append(view)
    added = 0
    for hour, pending in sorted(by_hour.items()):
        for start in range(0, len(pending), RECEIPTS_PER_TRANSACTION):
            chunk = pending[start : start + RECEIPTS_PER_TRANSACTION]
            added += _add_chunk(video_id, hour, chunk, now, local=any(view.local for view in chunk))
    return added


def _add_chunk(video_id: int, hour: str, chunk: list[CountedView], now: datetime, *, local: bool) -> int:
    while chunk:
        try:
            with TransactWrite(connection=connection()) as transaction:
                for view in chunk:
                    receipt = ViewReceipt(
                        keys.view_receipt_pk(view.view_id),
                        keys.ENTITY_SK,
                        video_id=video_id,
                        expires_at=now + RECEIPT_LIFETIME,
                    )
                    transaction.save(receipt, condition=ViewReceipt.pk.does_not_exist())
                transaction.update(
                    Video(keys.video_pk(video_id), keys.ENTITY_SK),
                    actions=[Video.views.add(len(chunk))],
                    condition=Video.pk.exists(),
                )
                transaction.update(
                    ViewBucket(keys.video_pk(video_id), keys.view_bucket_sk(hour)),
                    actions=_bucket_actions(video_id, hour, len(chunk), now),
                )
                if local:
                    add_stats(transaction, {"local_video_views": len(chunk)})
        except TransactWriteError as exc:
            reasons = exc.cancellation_reasons
            if not is_condition_failure(exc) or not reasons:
                raise
            if _failed(reasons, len(chunk)):  # the video's own condition: it was deleted
                return 0
            chunk = [view for view, reason in zip(chunk, reasons, strict=False) if reason is None]
            continue
        return len(chunk)
    return 0


def _bucket_actions(video_id: int, hour: str, views: int, now: datetime) -> list[Any]:
    return [
        ViewBucket.views.add(views),
        ViewBucket.video_id.set(video_id),
        ViewBucket.hour.set(hour),
        ViewBucket.kind.set(ViewBucket),
        ViewBucket.gsi1pk.set(keys.view_day_gsi1pk(hour[:10])),
        ViewBucket.gsi1sk.set(f"{hour}#{video_id:012d}"),
        ViewBucket.expires_at.set(now + BUCKET_LIFETIME),
    ]


def _failed(reasons: list[Any], index: int) -> bool:
    return index < len(reasons) and reasons[index] is not None and reasons[index].code == "ConditionalCheckFailed"


def views_by_day(day: str) -> list[ViewBucket]:
    """W4: every video's hourly buckets of one day (one Query per MB)."""
    return [item for item in ViewBucket.by_gsi1.query(keys.view_day_gsi1pk(day)) if isinstance(item, ViewBucket)]


def set_trending(video_id: int, score: int) -> None:
    """The video's views in the trending window (a no-op for a deleted video)."""
    try:
        Video(keys.video_pk(video_id), keys.ENTITY_SK).update(
            actions=[Video.trending.set(score)], condition=Video.pk.exists()
        )
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise
