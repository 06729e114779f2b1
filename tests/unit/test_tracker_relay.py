"""A peer that does not read is disconnected; it never holds up the peers sending to it."""

from __future__ import annotations

import asyncio

from functions.tracker.limits import TokenBucket
from functions.tracker.relay import POLICY_VIOLATION, Connection


class StuckSocket:
    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.closed_with: int | None = None
        self.release = asyncio.Event()

    async def send(self, text: bytes) -> None:
        await self.release.wait()  # a peer whose TCP window stays shut
        self.sent.append(text)

    async def close(self, code: int) -> None:
        self.closed_with = code


def _connection(socket: StuckSocket, **options: float) -> Connection:
    return Connection(socket.send, socket.close, TokenBucket.full(0), **options)  # type: ignore[arg-type]


def test_a_full_send_queue_closes_the_slow_peer_without_waiting() -> None:
    async def scenario() -> None:
        socket = StuckSocket()
        connection = _connection(socket, queue_limit=3, send_timeout=30)
        writer = asyncio.create_task(connection.run_writer())
        await asyncio.sleep(0)
        for number in range(10):
            connection.post(f"offer {number}".encode())  # returns at once, whatever the peer does
        assert connection.closing
        socket.release.set()
        await asyncio.wait_for(writer, 1)
        assert socket.sent[:1] == [b"offer 0"] and len(socket.sent) <= 4
        assert socket.closed_with == POLICY_VIOLATION

    asyncio.run(scenario())


def test_a_send_that_times_out_closes_the_peer() -> None:
    async def scenario() -> None:
        socket = StuckSocket()
        connection = _connection(socket, send_timeout=0.05)
        writer = asyncio.create_task(connection.run_writer())
        connection.post(b"hello")
        await asyncio.wait_for(writer, 1)
        assert connection.closing and socket.closed_with == POLICY_VIOLATION

    asyncio.run(scenario())


def test_a_close_sends_what_was_queued_first() -> None:
    async def scenario() -> None:
        socket = StuckSocket()
        socket.release.set()
        connection = _connection(socket)
        connection.post(b'{"failure reason": "bye"}')
        connection.close(1009)
        connection.post(b"dropped: after the close")
        await asyncio.wait_for(connection.run_writer(), 1)
        assert (socket.sent, socket.closed_with) == ([b'{"failure reason": "bye"}'], 1009)

    asyncio.run(scenario())
