"""One run of the tracker scaler (functions/tracker_scaler/, every minute): read the shard
set, the tasks' connections and the shard services, apply the policy
(chalicelib/domain/tracker_scaling.py), write the new set, then start or stop services.

The set is written before any service changes, with the version read: of two runs that
overlap only one acts, and a run cut short between the two leaves a state the next run
repairs (a listed shard without a task is started again, an unlisted one with a task
stopped). A shard is started before it is listed (the policy lists it only once its task
runs) and unlisted before it is stopped.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.domain.tracker_scaling import MARKS, PHASES, Decision, Observation, ShardSet, decide
from chalicelib.observability import count, logger
from chalicelib.store import tracker_fleet
from chalicelib.store import tracker_shards as shard_store

if TYPE_CHECKING:
    from chalicelib.config import Settings


def scale(settings: Settings, now: datetime) -> Decision | None:
    """Apply the policy once; None when there is nothing to scale (one shard, no scaler's
    settings) or another run wrote the set first."""
    max_shards = settings.tracker_shard_count
    cluster, prefix = settings.tracker_cluster, settings.tracker_service_prefix
    if not settings.tracker_scaled or max_shards < 2 or not cluster or not prefix:
        return None
    names = {shard: f"{prefix}{shard}" for shard in range(1, max_shards)}
    state = read_shard_set()
    counts = tracker_fleet.service_counts(cluster, list(names.values()))
    # Shard 0 is the template's own service, always one task: it is not asked about.
    desired = {0: 1, **{shard: counts[name].desired for shard, name in names.items() if name in counts}}
    running = {0: 1, **{shard: counts[name].running for shard, name in names.items() if name in counts}}
    minutes = max(MARKS.low_minutes, MARKS.high_minutes)
    seen = Observation(now, tracker_fleet.connections_per_minute(now, minutes), desired, running)
    decision = decide(state, seen, max_shards)
    if decision.state != state:
        PHASES.check_move([state.phase], decision.state.phase)
        new = decision.state
        if not shard_store.save_shard_set(new.active, new.phase, new.shard, new.changed_at, state.version):
            logger.info("tracker scaler: another run changed the shard set first")
            return None
    changes = {names[shard]: 1 for shard in decision.start} | {names[shard]: 0 for shard in decision.stop}
    tracker_fleet.set_task_counts(cluster, changes)
    count("TrackerActiveShards", decision.state.active)
    count("TrackerShardsSaturated", int(decision.saturated))
    logger.info(
        "tracker scaler",
        extra={
            "reason": decision.reason,
            "active": decision.state.active,
            "phase": decision.state.phase,
            "started": sorted(decision.start),
            "stopped": sorted(decision.stop),
        },
    )
    return decision


def read_shard_set() -> ShardSet:
    """The set as the table holds it (consistent read); one active shard when absent."""
    item = shard_store.get_shard_set(consistent=True)
    if item is None:
        return ShardSet()
    return ShardSet(
        active=int(item.active),
        phase=str(item.phase),
        shard=None if item.shard is None else int(item.shard),
        changed_at=item.changed_at,
        version=int(item.version),
    )
