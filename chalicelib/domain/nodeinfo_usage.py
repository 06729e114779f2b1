"""The usage figures NodeInfo publishes: users (all, active this month, this half-year),
local videos and local comments.

Active users need every user's last login, so they are counted by reading the users list;
NodeInfo is fetched rarely (crawlers, new followers), and the figures are kept for ten
minutes per function instance.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from chalicelib import caches
from chalicelib.domain.oauth import utcnow
from chalicelib.store import counters, users

KEEP_SECONDS = 600


@dataclass(frozen=True)
class Usage:
    users: int
    active_month: int
    active_halfyear: int
    local_posts: int
    local_comments: int


_cache: dict[str, tuple[float, Usage]] = {}


def usage() -> Usage:
    now = time.monotonic()
    cached = _cache.get("usage")
    if cached is not None and cached[0] > now:
        return cached[1]
    counts = counters.read_stats_counts()
    month, halfyear = users.count_active_since([utcnow() - timedelta(days=30), utcnow() - timedelta(days=182)])
    figures = Usage(counts.users, month, halfyear, counts.local_videos, counts.local_video_comments)
    _cache["usage"] = (now + KEEP_SECONDS, figures)
    return figures


@caches.register
def reset() -> None:
    _cache.clear()
