"""The tracker URL of a video: its shard's, among the shards active now.

Every place that names a video's tracker (REST `trackerUrls`, magnet URIs, torrents, the
ActivityPub video's `tracker-websocket` link) asks here, so that all of them agree. With a
scaler (settings.tracker_scaled) the active count is the table's item (TS1), written by the
scaler, read at most once a minute per function instance: most requests cost no DynamoDB
call. Absent, only shard 0 is active (the others' services start with no task). Without a
scaler (one shard, `make run`, explicit CIRRUS_TRACKER_URLS) every configured shard is.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from chalicelib import caches, tracker_shards
from chalicelib.store import tracker_shards as shard_store

if TYPE_CHECKING:
    from chalicelib.config import Settings

# How long an instance keeps the active count: a new shard is listed by every API instance
# within a minute of its task running, and a drained one unlisted as fast.
KEEP_SECONDS = 60.0

_cache: dict[str, tuple[float, int]] = {}


def tracker_url_for(video_uuid: str, settings: Settings) -> str:
    """The tracker URL every viewer of this video is given: its shard's."""
    return tracker_shards.choose(video_uuid, active_shards(settings))


def active_shards(settings: Settings) -> tuple[str, ...]:
    """The URLs of the shards videos are hashed over now (shards 0..active-1)."""
    shards = settings.tracker_shards
    if not settings.tracker_scaled or len(shards) == 1:
        return shards
    return shards[: min(len(shards), _active_count())]


def _active_count() -> int:
    now = time.monotonic()
    cached = _cache.get("active")
    if cached is not None and cached[0] > now:
        return cached[1]
    item = shard_store.get_shard_set()
    active = max(1, int(item.active)) if item is not None else 1
    _cache["active"] = (now + KEEP_SECONDS, active)
    return active


@caches.register
def reset() -> None:
    _cache.clear()
