"""When the tracker gets another shard, or gives one back: the scaler's policy (pure).

Peers meet only on the task that holds their swarm, so a shard never gets a second task;
scaling changes how many shards are *active* (the API hashes each video over shards
0..active-1, chalicelib/tracker_shards.py). The shard services exist up to TrackerMaxTasks;
shard 0 always runs, the others are started and stopped here. A shard moves through:

    steady ──(average high)──► starting k ──(k's task runs)──► steady, k active
    steady ──(average low) ──► draining k (k no longer active) ──(drain period)──► steady, k stopped

Starting comes before activating because a shard listed before its task runs would send the
videos it wins to a 503; draining comes before stopping so that viewers already in a swarm
keep their socket while new page loads go to the other shards.

The input is the average connections per tracker task, one figure a minute (the tasks'
`TrackerConnections` metric, functions/tracker/metrics.py). The marks, and why they never flap:
- HIGH: 7,000 per shard for 5 minutes adds one. A task holds 10,000 peers comfortably
  (docs/tracker.md), so a new shard starts while the others still have room.
- LOW: 3,000 per shard for 15 minutes removes one. After removing one of N the average grows
  by N/(N-1), at most 2x (N=2): 6,000, still under HIGH. After adding one the average falls by
  N/(N+1), at least to half: 3,500, still over LOW. So no change ever calls for its own undoing.
- COOLDOWN: 10 minutes after any change before the next, so the figures reflect it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from chalicelib.state_graph import StateGraph

STEADY = "steady"
STARTING = "starting"
DRAINING = "draining"

# The phases the shard set moves through; the store refuses any other move.
PHASES = StateGraph(
    "tracker shards",
    start=STEADY,
    moves={
        STEADY: frozenset({STEADY, STARTING, DRAINING}),
        STARTING: frozenset({STARTING, STEADY}),
        DRAINING: frozenset({DRAINING, STEADY}),
    },
    rests=frozenset({STEADY}),
)


@dataclass(frozen=True)
class Marks:
    """The policy's thresholds (see the module's docstring for why these values)."""

    high: float = 7000.0
    low: float = 3000.0
    high_minutes: int = 5
    low_minutes: int = 15
    cooldown: timedelta = timedelta(minutes=10)
    # Viewers of the drained shard's videos keep their socket this long before it is cut;
    # most page loads of those videos have moved to the other shards by then.
    drain: timedelta = timedelta(minutes=30)
    # A task that does not run after this long (no capacity, a bad image) is given up.
    start_timeout: timedelta = timedelta(minutes=15)


MARKS = Marks()


@dataclass(frozen=True)
class ShardSet:
    """The shared state (one table item): shards 0..active-1 are listed by the API; `shard`
    is the one starting or draining; `version` guards the item's conditional writes."""

    active: int = 1
    phase: str = STEADY
    shard: int | None = None
    changed_at: datetime | None = None
    version: int = 0


@dataclass(frozen=True)
class Observation:
    """What the scaler sees: average connections per task, one figure a minute, oldest first
    (a missing minute is absent: the window is then too short to act on), and each shard
    service's desired and running task counts, by shard index."""

    now: datetime
    connections: Sequence[float]
    desired: Mapping[int, int]
    running: Mapping[int, int]


@dataclass(frozen=True)
class Decision:
    """The next state, the services to set to one task (`start`) or none (`stop`), whether
    every shard is active and still over the high mark (`saturated`), and why."""

    state: ShardSet
    start: tuple[int, ...] = ()
    stop: tuple[int, ...] = ()
    saturated: bool = False
    reason: str = "nothing to do"

    @property
    def changed(self) -> bool:
        return self.start != () or self.stop != ()


def decide(state: ShardSet, seen: Observation, max_shards: int, marks: Marks = MARKS) -> Decision:
    """What to do now, given the state, what is seen and how many shards exist."""
    high = _sustained(seen.connections, marks.high_minutes, lambda value: value >= marks.high)
    low = _sustained(seen.connections, marks.low_minutes, lambda value: value < marks.low)
    since = seen.now - state.changed_at if state.changed_at else None
    if state.phase == STARTING and state.shard is not None:
        return _starting(state, state.shard, seen, since, marks)
    if state.phase == DRAINING and state.shard is not None:
        return _draining(state, state.shard, seen, high, since, marks)
    return _steady(state, seen, max_shards, high, low, since, marks)


def _steady(
    state: ShardSet,
    seen: Observation,
    max_shards: int,
    high: bool,
    low: bool,
    since: timedelta | None,
    marks: Marks,
) -> Decision:
    active = max(1, min(state.active, max_shards))
    # Services that disagree with the state (a run that failed between its writes, a manual
    # change): listed shards run, the others do not. Shard 0 is the template's, never stopped.
    start = tuple(k for k in range(1, active) if seen.desired.get(k, 0) < 1)
    stop = tuple(k for k in range(max(active, 1), max_shards) if seen.desired.get(k, 0) > 0)
    steady = replace(state, active=active, phase=STEADY, shard=None)
    cooled = since is None or since >= marks.cooldown
    if high and active < max_shards and cooled:
        grown = replace(steady, phase=STARTING, shard=active, changed_at=seen.now)
        return Decision(grown, start=(*start, active), stop=stop, reason=f"average high: starting shard {active}")
    if low and active > 1 and cooled:
        shrunk = replace(steady, active=active - 1, phase=DRAINING, shard=active - 1, changed_at=seen.now)
        return Decision(shrunk, start=start, stop=stop, reason=f"average low: draining shard {active - 1}")
    saturated = high and active >= max_shards
    reason = "nothing to do"
    if saturated:
        reason = "every shard active and the average still high"
    elif start or stop:
        reason = "repairing services"
    return Decision(steady, start=start, stop=stop, saturated=saturated, reason=reason)


def _starting(state: ShardSet, shard: int, seen: Observation, since: timedelta | None, marks: Marks) -> Decision:
    if seen.running.get(shard, 0) >= 1:
        return Decision(
            replace(state, active=shard + 1, phase=STEADY, shard=None, changed_at=seen.now),
            reason=f"shard {shard} runs: active",
        )
    if since is not None and since >= marks.start_timeout:
        return Decision(
            replace(state, phase=STEADY, shard=None, changed_at=seen.now),
            stop=(shard,),
            reason=f"shard {shard} did not start: given up",
        )
    start = (shard,) if seen.desired.get(shard, 0) < 1 else ()
    return Decision(state, start=start, reason=f"waiting for shard {shard} to run")


def _draining(
    state: ShardSet, shard: int, seen: Observation, high: bool, since: timedelta | None, marks: Marks
) -> Decision:
    if high and seen.running.get(shard, 0) >= 1:
        # Busy again while the drained task still runs: list it again at once.
        return Decision(
            replace(state, active=shard + 1, phase=STEADY, shard=None, changed_at=seen.now),
            reason=f"average high while draining: shard {shard} active again",
        )
    if since is None or since >= marks.drain:
        return Decision(
            replace(state, phase=STEADY, shard=None, changed_at=seen.now),
            stop=(shard,),
            reason=f"shard {shard} drained: stopped",
        )
    return Decision(state, reason=f"draining shard {shard}")


def _sustained(figures: Sequence[float], minutes: int, holds: Callable[[float], bool]) -> bool:
    """Whether the last `minutes` figures exist and each one `holds`."""
    window = list(figures)[-minutes:]
    return len(window) == minutes and all(holds(value) for value in window)
