"""The tracker's active shard set item (TS1-TS2 in docs/data-model.md).

The scaler (functions/tracker_scaler/) is its only writer; each write names the version it
read, so that two runs overlapping never both act on one state. The API reads it for every
video's tracker URL through a process cache (chalicelib/domain/tracker_urls.py).
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import PutError

from chalicelib.store import keys
from chalicelib.store.models import TrackerShards
from chalicelib.store.writes import is_condition_failure


def get_shard_set(consistent: bool = False) -> TrackerShards | None:
    """TS1: one GetItem (eventually consistent for the API, consistent for the scaler)."""
    try:
        return TrackerShards.get(keys.TRACKER_SHARDS_PK, keys.ENTITY_SK, consistent_read=consistent)
    except TrackerShards.DoesNotExist:
        return None


def save_shard_set(active: int, phase: str, shard: int | None, changed_at: datetime | None, version: int) -> bool:
    """TS2: write the set as version `version` + 1, if the table still holds `version` (0: no
    item yet). False when another run wrote first (nothing is changed then)."""
    item = TrackerShards(
        keys.TRACKER_SHARDS_PK,
        keys.ENTITY_SK,
        active=active,
        phase=phase,
        shard=shard,
        changed_at=changed_at,
        version=version + 1,
    )
    condition = TrackerShards.pk.does_not_exist() if version == 0 else TrackerShards.version == version
    try:
        item.save(condition=condition)
    except PutError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True
