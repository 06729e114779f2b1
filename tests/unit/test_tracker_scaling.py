"""The tracker scaler's policy (chalicelib/domain/tracker_scaling.py) on fixed inputs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.domain.tracker_scaling import (
    DRAINING,
    MARKS,
    PHASES,
    STARTING,
    STEADY,
    Observation,
    ShardSet,
    decide,
)

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
LONG_AGO = NOW - timedelta(hours=2)


def seen(
    connections: list[float], desired: dict[int, int] | None = None, running: dict[int, int] | None = None
) -> Observation:
    desired = {0: 1} if desired is None else desired
    return Observation(NOW, connections, desired, desired if running is None else running)


def test_a_sustained_high_average_starts_the_next_shard_without_listing_it_yet() -> None:
    decision = decide(ShardSet(active=1, changed_at=LONG_AGO), seen([7500.0] * 5), max_shards=4)
    assert decision.start == (1,) and decision.stop == ()
    assert decision.state == ShardSet(active=1, phase=STARTING, shard=1, changed_at=NOW)


def test_a_high_figure_for_less_than_five_minutes_or_a_missing_minute_does_nothing() -> None:
    state = ShardSet(active=1, changed_at=LONG_AGO)
    assert decide(state, seen([100.0] + [7500.0] * 4), max_shards=4).state == state
    assert decide(state, seen([7500.0] * 4), max_shards=4).state == state  # one minute missing
    assert not decide(state, seen([7500.0] * 4), max_shards=4).changed


def test_the_started_shard_is_listed_once_its_task_runs() -> None:
    starting = ShardSet(active=1, phase=STARTING, shard=1, changed_at=NOW - timedelta(minutes=1))
    waiting = decide(starting, seen([7500.0] * 5, desired={0: 1, 1: 1}, running={0: 1, 1: 0}), max_shards=4)
    assert waiting.state == starting and not waiting.changed
    running = decide(starting, seen([7500.0] * 5, desired={0: 1, 1: 1}, running={0: 1, 1: 1}), max_shards=4)
    assert running.state == ShardSet(active=2, phase=STEADY, shard=None, changed_at=NOW)


def test_a_shard_that_never_runs_is_given_up_and_stopped() -> None:
    starting = ShardSet(active=1, phase=STARTING, shard=1, changed_at=NOW - MARKS.start_timeout)
    decision = decide(starting, seen([7500.0] * 5, desired={0: 1, 1: 1}, running={0: 1}), max_shards=4)
    assert decision.stop == (1,) and decision.state.active == 1 and decision.state.phase == STEADY


def test_no_change_within_the_cooldown_of_the_last() -> None:
    just_grown = ShardSet(active=2, changed_at=NOW - timedelta(minutes=9))
    running = {0: 1, 1: 1}
    assert not decide(just_grown, seen([7500.0] * 15, running, running), max_shards=4).changed
    cooled = ShardSet(active=2, changed_at=NOW - MARKS.cooldown)
    assert decide(cooled, seen([7500.0] * 15, running, running), max_shards=4).start == (2,)


def test_a_sustained_low_average_drains_the_highest_shard_then_stops_it() -> None:
    running = {0: 1, 1: 1, 2: 1}
    state = ShardSet(active=3, changed_at=LONG_AGO)
    draining = decide(state, seen([2000.0] * 15, running, running), max_shards=4)
    assert draining.state == ShardSet(active=2, phase=DRAINING, shard=2, changed_at=NOW)
    assert draining.stop == ()  # its viewers keep their socket for the drain period
    later = Observation(NOW + timedelta(minutes=29), [2000.0] * 15, running, running)
    assert decide(draining.state, later, max_shards=4).stop == ()
    drained = Observation(NOW + MARKS.drain, [2000.0] * 15, running, running)
    stopped = decide(draining.state, drained, max_shards=4)
    assert stopped.stop == (2,) and stopped.state.active == 2 and stopped.state.phase == STEADY


def test_fourteen_low_minutes_are_not_enough_and_one_shard_is_never_drained() -> None:
    running = {0: 1, 1: 1}
    assert not decide(ShardSet(active=2, changed_at=LONG_AGO), seen([10.0] * 14, running, running), 4).changed
    assert decide(ShardSet(active=1, changed_at=LONG_AGO), seen([0.0] * 15), 4).state.phase == STEADY


def test_busy_again_while_draining_lists_the_running_shard_at_once() -> None:
    running = {0: 1, 1: 1}
    draining = ShardSet(active=1, phase=DRAINING, shard=1, changed_at=NOW - timedelta(minutes=5))
    decision = decide(draining, seen([7200.0] * 5, running, running), max_shards=4)
    assert decision.state == ShardSet(active=2, phase=STEADY, shard=None, changed_at=NOW)
    assert not decision.changed


def test_every_shard_active_and_still_high_is_saturated() -> None:
    running = {0: 1, 1: 1}
    decision = decide(ShardSet(active=2, changed_at=LONG_AGO), seen([9000.0] * 5, running, running), max_shards=2)
    assert decision.saturated and not decision.changed
    assert not decide(ShardSet(active=1, changed_at=LONG_AGO), seen([9000.0] * 5), max_shards=2).saturated


def test_services_that_disagree_with_the_state_are_repaired() -> None:
    # Listed shard 1 has no task wanted; unlisted shard 3 still has one (a run cut short).
    decision = decide(ShardSet(active=2, changed_at=NOW), seen([4000.0] * 15, {0: 1, 1: 0, 3: 1}), max_shards=4)
    assert decision.start == (1,) and decision.stop == (3,) and decision.state.active == 2


def test_the_marks_cannot_call_for_their_own_undoing() -> None:
    # Adding a shard to N divides the average by (N+1)/N, removing one multiplies it by
    # N/(N-1): neither may cross the other mark, for any shard count the template allows.
    for shards in range(1, 8):
        assert MARKS.high * shards / (shards + 1) >= MARKS.low
    for shards in range(2, 9):
        assert MARKS.low * shards / (shards - 1) < MARKS.high


def test_the_phases_are_a_checked_state_graph() -> None:
    assert PHASES.terminal == frozenset({STEADY})
    assert PHASES.allows(STEADY, STARTING) and PHASES.allows(DRAINING, STEADY)
    assert not PHASES.allows(STARTING, DRAINING)
