"""How many objects each remote host has stored here (access pattern C4 in
docs/data-model.md): one counter item per host and kind, read before a new object is kept
and moved after (the caps are limits on growth, not exact quotas: two deliveries racing may
pass one object beyond)."""

from __future__ import annotations

from chalicelib.store import keys
from chalicelib.store.models import Counter

KINDS = ("videos", "playlists", "comments")


def _counter(kind: str, host: str) -> Counter:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    return Counter(keys.counter_pk(f"host-{kind}:{host.lower()}"), keys.COUNTER_SK)


def stored(kind: str, host: str) -> int:
    """One GetItem; 0 for a host never seen."""
    try:
        found = Counter.get(_counter(kind, host).pk, keys.COUNTER_SK)
    except Counter.DoesNotExist:
        return 0
    return int(found.value or 0)


def add(kind: str, host: str, delta: int) -> None:
    """One UpdateItem with ADD (atomic)."""
    counter = _counter(kind, host)
    counter.update(actions=[Counter.value.add(delta)])
