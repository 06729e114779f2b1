"""Which tracker shard serves a video: rendezvous (highest-random-weight) hashing of its UUID.

Peers meet only on the process that holds their swarm, so every viewer of a video must be
sent to the same tracker task: the API lists one shard's URL per video, chosen here from the
video's UUID and the list of shard URLs, with no state shared between tasks or functions.

Each (video, shard URL) pair gets a weight from a keyed hash, and the shard of highest
weight wins. A shard's weight for a video does not depend on the other shards, so adding a
shard moves only the videos it now wins (about 1/(N+1) of them) and removing one moves only
its own; `hash(uuid) mod N` would move most videos whenever N changes. blake2b, not
Python's `hash()`: the choice must be the same in every process (the API's functions, the
bench's clients), and `hash()` of a str is salted per process.
"""

from __future__ import annotations

from collections.abc import Sequence
from hashlib import blake2b


def weight(key: str, shard: str) -> int:
    """The shard's weight for this key: 64 bits of blake2b over both (stable across processes)."""
    digest = blake2b(f"{key}\0{shard}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def choose(key: str, shards: Sequence[str]) -> str:
    """The shard serving `key` (a video's UUID): the one of highest weight.

    Ties (a 64-bit collision) go to the first listed, so the choice never depends on order
    otherwise."""
    if not shards:
        raise ValueError("no tracker shard to choose from")
    if len(shards) == 1:
        return shards[0]
    best, best_weight = shards[0], -1
    for shard in shards:
        shard_weight = weight(key, shard)
        if shard_weight > best_weight:
            best, best_weight = shard, shard_weight
    return best
