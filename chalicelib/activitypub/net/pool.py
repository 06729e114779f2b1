"""Keep-alive connections to other servers, kept idle per origin between requests.

A delivery function sends many activities to the same few shared inboxes: reusing the
connection spares a TCP (and TLS) handshake per request. Only connections the transport
opened itself go in, each to an address the address policy passed when it was opened, so a
reused connection is as safe as a new one; a new connection still resolves and checks.
Idle connections are dropped after IDLE_SECONDS, under Node's default keep-alive timeout
(5 s, PeerTube's server), so we rarely write to one the server is closing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable
from typing import TYPE_CHECKING

from chalicelib import caches

if TYPE_CHECKING:
    from urllib3.connection import HTTPConnection

IDLE_SECONDS = 4.0
MAX_IDLE_PER_ORIGIN = 16


class ConnectionPool:
    """Idle connections by origin key; thread-safe."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS, max_idle: int = MAX_IDLE_PER_ORIGIN) -> None:
        self.idle_seconds = idle_seconds
        self.max_idle = max_idle
        self._idle: dict[Hashable, list[tuple[float, HTTPConnection]]] = {}
        self._lock = threading.Lock()

    def take(self, key: Hashable) -> HTTPConnection | None:
        """The most recently used live connection for `key`, or None (the caller opens one)."""
        now = time.monotonic()
        stale: list[HTTPConnection] = []
        found: HTTPConnection | None = None
        with self._lock:
            idle = self._idle.get(key, [])
            while idle:
                expires, connection = idle.pop()
                if expires > now:
                    found = connection
                    break
                stale.append(connection)
            # Older entries expire first: what is left behind the found one is older still.
            stale.extend(connection for expires, connection in idle if expires <= now)
            idle[:] = [(expires, connection) for expires, connection in idle if expires > now]
        for connection in stale:
            connection.close()
        if found is not None and not found.is_connected:  # the server closed it while idle
            found.close()
            return self.take(key)
        return found

    def give(self, key: Hashable, connection: HTTPConnection) -> None:
        """Keep `connection` (its last answer fully read) for the next request to `key`."""
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) < self.max_idle:
                idle.append((time.monotonic() + self.idle_seconds, connection))
                return
        connection.close()

    def clear(self) -> None:
        with self._lock:
            everything = [connection for idle in self._idle.values() for _, connection in idle]
            self._idle.clear()
        for connection in everything:
            connection.close()


pool = ConnectionPool()


@caches.register
def reset() -> None:
    pool.clear()
