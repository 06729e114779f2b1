"""PeerTube's "trending" (most viewed) order: each video's views over the last days."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from chalicelib.store import views

if TYPE_CHECKING:
    from chalicelib.store.models import ViewBucket

TRENDING_DAYS = 7  # PeerTube's trending.videos.interval_days


def window_days(now: datetime, days: int = TRENDING_DAYS) -> list[str]:
    """The UTC days (YYYY-MM-DD) whose hours may fall in the window ending now."""
    return [(now - timedelta(days=offset)).strftime("%Y-%m-%d") for offset in range(days, -1, -1)]


def scores(buckets: Iterable[ViewBucket], now: datetime, days: int = TRENDING_DAYS) -> dict[int, int]:
    """Views per video in the hours from `days` ago until now."""
    since = (now - timedelta(days=days)).strftime("%Y-%m-%dT%H")
    totals: dict[int, int] = {}
    for bucket in buckets:
        if bucket.hour >= since:
            totals[int(bucket.video_id)] = totals.get(int(bucket.video_id), 0) + int(bucket.views)
    return totals


def changes(current: dict[int, int], computed: dict[int, int]) -> dict[int, int]:
    """The scores to write: new or different ones, and zeros for videos that left the window."""
    updates = {video_id: score for video_id, score in computed.items() if current.get(video_id, 0) != score}
    updates.update({video_id: 0 for video_id, score in current.items() if score and video_id not in computed})
    return updates


def refresh(current: dict[int, int], now: datetime) -> dict[int, int]:
    """Recompute every video's score from the hourly buckets; write and return the changes."""
    buckets = [bucket for day in window_days(now) for bucket in views.views_by_day(day)]
    updates = changes(current, scores(buckets, now))
    for video_id, score in updates.items():
        views.set_trending(video_id, score)
    return updates
