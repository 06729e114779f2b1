"""Fixed-window rate limits over DynamoDB (T4 in docs/data-model.md).

One UpdateItem per request: ADD 1 to the counter of (bucket, subject, window) and read the
new count back. The item expires with its window, so counters clean themselves up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from chalicelib.store import keys
from chalicelib.store.models import Throttle


@dataclass(frozen=True)
class Window:
    hits: int
    resets_at: int  # epoch seconds


def peek(bucket: str, subject: str, window_seconds: int, now: float) -> Window:
    start = int(now) // window_seconds * window_seconds
    try:
        item = Throttle.get(keys.throttle_pk(bucket, subject, start), keys.COUNTER_SK)
        hits = int(item.hits)
    except Throttle.DoesNotExist:
        hits = 0
    return Window(hits, start + window_seconds)


def hit(bucket: str, subject: str, window_seconds: int, now: float) -> Window:
    start = int(now) // window_seconds * window_seconds
    resets_at = start + window_seconds
    item = Throttle(keys.throttle_pk(bucket, subject, start), keys.COUNTER_SK)
    item.update(
        actions=[
            Throttle.hits.add(1),
            Throttle.expires_at.set(datetime.fromtimestamp(resets_at, UTC)),
        ]
    )
    return Window(int(item.hits), resets_at)
