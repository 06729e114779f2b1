"""Which info hashes the tracker serves: private mode (PeerTube's default) accepts only the
swarms of videos this instance knows, asking the store once per hash and caching the answer."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

# PeerTube memoizes its lookup for a minute. A known hash stays known until its video is
# deleted, so it is kept longer; an unknown one may become known when a video is published.
KNOWN_TTL_SECONDS = 10 * 60
UNKNOWN_TTL_SECONDS = 60
MAX_CACHED = 100_000


class InfoHashPolicy(Protocol):
    def cached(self, info_hash: str) -> bool | None:
        """The answer if it is known without waiting (None: ask `allows`)."""

    async def allows(self, info_hash: str) -> bool: ...


class AnyInfoHash:
    """Public mode: every swarm is served."""

    def cached(self, info_hash: str) -> bool | None:
        return True

    async def allows(self, info_hash: str) -> bool:
        return True


class CachedLookup:
    """Answers from `lookup` (blocking: run in a thread), cached with a TTL per answer.

    Concurrent questions about one hash share one lookup, so a crowd joining a new video
    (or a flood of announces for one unknown hash) costs a single store read.
    """

    def __init__(
        self,
        lookup: Callable[[str], bool],
        *,
        known_ttl: float = KNOWN_TTL_SECONDS,
        unknown_ttl: float = UNKNOWN_TTL_SECONDS,
        max_entries: int = MAX_CACHED,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lookup = lookup
        self._known_ttl = known_ttl
        self._unknown_ttl = unknown_ttl
        self._max_entries = max_entries
        self._clock = clock
        self._cache: OrderedDict[str, tuple[bool, float]] = OrderedDict()
        self._pending: dict[str, asyncio.Future[bool]] = {}
        self.lookups = 0

    def cached(self, info_hash: str) -> bool | None:
        cached = self._cache.get(info_hash)
        if cached is not None and cached[1] > self._clock():
            return cached[0]
        return None

    async def allows(self, info_hash: str) -> bool:
        cached = self.cached(info_hash)
        if cached is not None:
            return cached
        pending = self._pending.get(info_hash)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending[info_hash] = future
        try:
            self.lookups += 1
            known = await asyncio.to_thread(self._lookup, info_hash)
        except Exception as error:
            future.set_exception(error)
            future.exception()  # read: no "never retrieved" warning when nobody else waited
            raise
        finally:
            del self._pending[info_hash]
        self._remember(info_hash, known)
        future.set_result(known)
        return known

    def _remember(self, info_hash: str, known: bool) -> None:
        ttl = self._known_ttl if known else self._unknown_ttl
        self._cache[info_hash] = (known, self._clock() + ttl)
        self._cache.move_to_end(info_hash)
        while len(self._cache) > self._max_entries:
            self._cache.popitem(last=False)


def store_policy() -> InfoHashPolicy:
    """Private mode: only info hashes of this instance's videos (their claims in the table)."""
    from chalicelib.store import infohashes

    return CachedLookup(infohashes.is_known)
