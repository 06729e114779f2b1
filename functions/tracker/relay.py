"""A connected socket as the tracker sees it (`Link`), and `Connection`, the link of a socket
served through ASGI (the local gateway), with its own send queue.

Messages to a peer (replies, offers and answers relayed from others) are posted, never
awaited: a peer that reads slowly only delays itself, and when it falls too far behind it
is disconnected instead of holding anyone up. `Connection` queues them for a writer task;
the production server (server.py) writes them to the socket's transport itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from functions.tracker.limits import TokenBucket

log = logging.getLogger("cirrus.tracker")

# Enough for a burst of offers from a busy swarm; a peer this far behind is not reading.
QUEUE_LIMIT = 256
SEND_TIMEOUT_SECONDS = 10.0
# Swarms one socket may be in: a player joins one per stream it plays (a few per video).
MAX_SWARMS_PER_CONNECTION = 50

# Close codes (RFC 6455): policy violation, message too big, going away.
POLICY_VIOLATION, TOO_BIG, GOING_AWAY = 1008, 1009, 1001

_CLOSE = object()


class Link(Protocol):
    """What the tracker needs of a socket, whichever server carries it."""

    bucket: TokenBucket
    memberships: set[tuple[str, str]]  # (info hash, peer id) it announced

    @property
    def closing(self) -> bool: ...

    def post(self, message: bytes) -> None:
        """Send a message (JSON, UTF-8) without waiting; a peer not keeping up is closed instead."""

    def close(self, code: int) -> None:
        """Close after what was already posted (a failure reason, typically)."""


class Connection:
    def __init__(
        self,
        send: Callable[[bytes], Awaitable[None]],
        close: Callable[[int], Awaitable[None]],
        bucket: TokenBucket,
        *,
        queue_limit: int = QUEUE_LIMIT,
        send_timeout: float = SEND_TIMEOUT_SECONDS,
    ) -> None:
        self._send = send
        self._close = close
        self._queue: asyncio.Queue[object] = asyncio.Queue(maxsize=queue_limit + 1)  # + the close
        self._queue_limit = queue_limit
        self._send_timeout = send_timeout
        self.bucket = bucket
        self.memberships: set[tuple[str, str]] = set()  # (info hash, peer id) it announced
        self.closing = False
        self._close_code = GOING_AWAY

    def post(self, message: bytes) -> None:
        """Queue a message; a peer that is not keeping up is closed instead."""
        if self.closing:
            return
        if self._queue.qsize() >= self._queue_limit:
            log.info("closing a peer whose send queue is full")
            self.close(POLICY_VIOLATION)
            return
        self._queue.put_nowait(message)

    def close(self, code: int) -> None:
        """Close after what is already queued has been sent (a failure reason, typically)."""
        if self.closing:
            return
        self.closing = True
        self._close_code = code
        self._queue.put_nowait(_CLOSE)

    async def run_writer(self) -> None:
        """Send queued messages until closed; then close the socket."""
        try:
            while True:
                item = await self._queue.get()
                # Everything queued meanwhile goes out under one deadline: no task or timer
                # per message (asyncio.wait_for would make a task of each send).
                async with asyncio.timeout(self._send_timeout):
                    while item is not _CLOSE:
                        assert isinstance(item, bytes)
                        await self._send(item)
                        if self._queue.empty():
                            break
                        item = self._queue.get_nowait()
                if item is _CLOSE:
                    break
        except TimeoutError:
            log.info("closing a peer that did not read for %.0f s", self._send_timeout)
            self._close_code = POLICY_VIOLATION
        except Exception:  # the socket went away while sending
            self.closing = True
            return
        self.closing = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._close(self._close_code), self._send_timeout)
