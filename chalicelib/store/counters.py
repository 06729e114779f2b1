"""Id sequences and instance statistics (access patterns C1-C3 in docs/data-model.md)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.store import keys
from chalicelib.store.models import Counter, InstanceStats

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite


@dataclass(frozen=True)
class StatsCounts:
    """The stored counters behind ServerStats (see store/models/counter.py); domain/instance.py shapes them."""

    users: int = 0
    admins: int = 0
    moderators: int = 0
    local_videos: int = 0
    videos: int = 0
    local_video_views: int = 0
    local_video_downloads: int = 0
    local_video_comments: int = 0
    video_comments: int = 0
    local_video_files_size: int = 0
    local_channels: int = 0
    local_playlists: int = 0
    instance_followers: int = 0
    instance_following: int = 0
    abuses: int = 0
    abuses_processed: int = 0
    abuse_response_ms: int = 0
    registrations: int = 0
    registrations_processed: int = 0
    registration_response_ms: int = 0
    ap_successes: int = 0
    ap_errors: int = 0
    ap_since: int | None = None  # epoch seconds of the first inbox activity counted
    ap_by_type: Mapping[str, tuple[int, int]] = dataclasses.field(default_factory=dict)  # (successes, errors)


def next_id(sequence: str) -> int:
    """Allocate the next integer id of a sequence (PeerTube exposes integer ids).

    One UpdateItem with ADD: atomic under concurrency. An id whose creation then fails is
    simply never used, as with a SQL sequence.
    """
    counter = Counter(keys.counter_pk(sequence), keys.COUNTER_SK)
    counter.update(actions=[Counter.value.add(1)])
    return int(counter.value)


def next_ids(sequence: str, count: int) -> list[int]:
    """`count` consecutive ids of a sequence in one UpdateItem (see next_id)."""
    if count <= 0:
        return []
    counter = Counter(keys.counter_pk(sequence), keys.COUNTER_SK)
    counter.update(actions=[Counter.value.add(count)])
    last = int(counter.value)
    return list(range(last - count + 1, last + 1))


def read_stats() -> InstanceStats:
    """The instance counters in one GetItem; all zero on a fresh instance."""
    try:
        return InstanceStats.get(keys.STATS_PK, keys.COUNTER_SK, consistent_read=False)
    except InstanceStats.DoesNotExist:
        return InstanceStats(keys.STATS_PK, keys.COUNTER_SK)


def add_stats(transaction: TransactWrite, deltas: Mapping[str, int]) -> None:
    """Add to the instance counters inside a transaction (so counts never drift from data)."""
    if not deltas:
        return
    actions = [_attribute(name).add(delta) for name, delta in deltas.items()]
    transaction.update(InstanceStats(keys.STATS_PK, keys.COUNTER_SK), actions=actions)


def bump_stats(deltas: Mapping[str, int]) -> None:
    """Add to the instance counters on their own (one UpdateItem)."""
    actions = [_attribute(name).add(delta) for name, delta in deltas.items() if delta]
    if actions:
        InstanceStats(keys.STATS_PK, keys.COUNTER_SK).update(actions=actions)


def _attribute(name: str) -> Any:
    attribute = InstanceStats.get_attributes().get(name)
    if attribute is None:
        raise KeyError(f"unknown instance counter {name!r}")
    return attribute


def count_inbox_activity(activity_type: str, success: bool, now: float) -> None:
    """One inbox activity processed (or failed), by PeerTube's activity types; one UpdateItem."""
    outcome = "ok" if success else "err"
    actions: list[Any] = [
        InstanceStats.ap_successes.add(1) if success else InstanceStats.ap_errors.add(1),
        InstanceStats.ap_since.set(InstanceStats.ap_since | int(now)),
    ]
    if activity_type in ACTIVITY_TYPES:
        actions.append(_attribute(f"ap_{outcome}_{activity_type}").add(1))
    InstanceStats(keys.STATS_PK, keys.COUNTER_SK).update(actions=actions)


def read_stats_counts() -> StatsCounts:
    """The instance counters as the domain's StatsCounts."""
    stats = read_stats()
    counts = {name: int(getattr(stats, name) or 0) for name in _COUNT_FIELDS}
    by_type = {
        kind: (int(getattr(stats, f"ap_ok_{kind}") or 0), int(getattr(stats, f"ap_err_{kind}") or 0))
        for kind in ACTIVITY_TYPES
    }
    since = int(stats.ap_since) if stats.ap_since is not None else None
    return StatsCounts(**counts, ap_since=since, ap_by_type=by_type)


# PeerTube's ActivityType, whose successes and errors ServerStats counts one by one.
ACTIVITY_TYPES = (
    "Create",
    "Update",
    "Delete",
    "Follow",
    "Accept",
    "Reject",
    "Announce",
    "Undo",
    "Like",
    "Dislike",
    "Flag",
    "View",
    "Download",
    "ApproveReply",
    "RejectReply",
)
_COUNT_FIELDS = tuple(f.name for f in dataclasses.fields(StatsCounts) if f.name not in ("ap_since", "ap_by_type"))
