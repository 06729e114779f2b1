"""The swarm registry (counts, caps, expiry) and the per-socket token bucket."""

from __future__ import annotations

from functions.tracker.limits import TokenBucket
from functions.tracker.registry import SwarmRegistry

H = "aa" * 20


class Conn:
    """A connection stand-in: the registry tells connections apart by identity."""

    def __init__(self, name: str) -> None:
        self.name = name


CONNS = {name: Conn(name) for name in ("a", "b", "c", "d", "e", "f", "intruder", "old", "new")}


def _registry(**options: float) -> SwarmRegistry[Conn]:
    return SwarmRegistry(**options)  # type: ignore[arg-type]


def test_counts_follow_started_completed_and_stopped() -> None:
    registry = _registry()
    assert registry.announce(H, "a", CONNS["a"], "started", False, 0) == (0, 1)
    assert registry.announce(H, "b", CONNS["b"], "started", True, 0) == (1, 1)  # left: 0, a seeder
    assert registry.announce(H, "a", CONNS["a"], "completed", False, 1) == (2, 0)
    assert registry.announce(H, "a", CONNS["a"], "completed", False, 2) == (2, 0)  # counted once
    assert registry.announce(H, "a", CONNS["a"], "update", False, 2) == (2, 0)  # stays complete
    assert registry.announce(H, "b", CONNS["b"], "stopped", False, 3) == (1, 0)
    assert registry.announce(H, "a", CONNS["a"], "stopped", False, 3) == (0, 0)
    assert registry.swarm_count == 0  # an empty swarm goes


def test_an_update_from_an_unknown_peer_adds_it() -> None:
    registry = _registry()
    assert registry.announce(H, "a", CONNS["a"], "update", False, 0) == (0, 1)


def test_only_its_own_connection_can_stop_a_peer() -> None:
    registry = _registry()
    registry.announce(H, "a", CONNS["a"], "started", False, 0)
    assert registry.announce(H, "a", CONNS["intruder"], "stopped", False, 1) == (0, 1)
    assert not registry.remove(H, "a", CONNS["intruder"])
    assert registry.remove(H, "a", CONNS["a"])


def test_a_reconnecting_peer_takes_its_id_over() -> None:
    registry = _registry()
    registry.announce(H, "a", CONNS["old"], "started", False, 0)
    registry.announce(H, "a", CONNS["new"], "started", False, 1)
    peer = registry.peer(H, "a")
    assert peer is not None and peer.connection is CONNS["new"]
    assert registry.counts(H) == (0, 1)


def test_a_full_swarm_evicts_its_stalest_peer() -> None:
    registry = _registry(max_peers_per_swarm=3)
    for second, name in enumerate("abc"):
        registry.announce(H, name, CONNS[name], "started", name == "a", second)
    registry.announce(H, "a", CONNS["a"], "update", True, 5)  # a is fresh again; b is the stalest
    assert registry.announce(H, "d", CONNS["d"], "started", False, 6) == (1, 2)
    assert registry.peer(H, "b") is None
    assert {p for p in "acd" if registry.peer(H, p)} == {"a", "c", "d"}
    assert registry.peer_count == 3


def test_quiet_peers_expire() -> None:
    registry = _registry(peer_ttl=100)
    registry.announce(H, "a", CONNS["a"], "started", True, 0)
    registry.announce(H, "b", CONNS["b"], "started", False, 50)
    registry.announce("bb" * 20, "c", CONNS["c"], "started", False, 10)
    assert registry.expire(100) == 0
    assert registry.expire(120) == 2  # a (seen at 0) and c (at 10)
    assert registry.counts(H) == (0, 1)
    assert registry.swarm_count == 1
    registry.announce(H, "b", CONNS["b"], "update", False, 140)
    assert registry.expire(200) == 0


def test_sampling_never_returns_the_announcing_connection() -> None:
    registry = _registry()
    for name in "abcdef":
        registry.announce(H, name, CONNS[name], "started", False, 0)
    for count in (1, 3, 5, 10):
        peers = registry.sample(H, count, exclude=CONNS["a"])
        assert len(peers) == min(count, 5)
        assert len({p.peer_id for p in peers}) == len(peers)
        assert all(p.connection is not CONNS["a"] for p in peers)
    assert registry.sample("cc" * 20, 3, exclude=CONNS["a"]) == []


def test_the_token_bucket_allows_a_burst_then_its_rate() -> None:
    bucket = TokenBucket.full(0.0, capacity=3, rate=2.0)
    assert [bucket.take(0.0) for _ in range(4)] == [True, True, True, False]
    assert bucket.take(0.5)  # one token back after half a second
    assert not bucket.take(0.5)
    assert [bucket.take(100.0) for _ in range(4)] == [True, True, True, False]  # never above capacity
