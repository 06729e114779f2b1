"""The production server: the tracker's websocket spoken directly on asyncio (uvloop).

A tracker's work is tiny per message (parse an announce, pick peers, relay offers): under an
ASGI stack most of the time went to the layers between the socket and that work (a task per
socket, a queue and a dict per message, a syscall per message sent). Here each socket is an
`asyncio.Protocol` around websockets' sans-I/O `ServerProtocol` (the opening handshake,
frame parsing and validation, control frames, the closing handshake): a message is handled
synchronously in `data_received`, and what it sends is framed once and appended to each
receiving socket's outbox; one callback per event-loop turn writes every outbox touched in
that turn with one call each. One timer for all sockets sends keepalive pings and drops the
silent ones. The tracker itself (service.py) is the same as under ASGI (app.py).

    python -m functions.tracker.server [--host 0.0.0.0] [--port 8000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import json
import logging
import os
import re
import struct
import time
from collections import deque
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, cast

from websockets.datastructures import Headers
from websockets.frames import Frame, Opcode
from websockets.http11 import Request, Response
from websockets.protocol import State
from websockets.server import ServerProtocol

from functions.tracker import metrics
from functions.tracker.known import AnyInfoHash, store_policy
from functions.tracker.relay import SEND_TIMEOUT_SECONDS
from functions.tracker.service import Tracker

if TYPE_CHECKING:
    from functions.tracker.limits import TokenBucket

SOCKET_PATH = "/tracker/socket"
HEALTH_PATH = "/tracker/health"
# A shard's own path (docs/tracker.md, "Scaling beyond one task"): the load balancer routes
# /tracker/<k>/* to shard k's task, which serves the websocket there as well.
SHARD_SOCKET_PATH = re.compile(r"/tracker/[0-9]{1,2}/socket")

log = logging.getLogger("cirrus.tracker")

# Keepalive: a socket silent for a whole interval is pinged; one still silent an interval
# later is dropped (1011). 20 s keeps traffic on an idle socket within the load balancer's
# 60 s idle timeout. A connection that has not finished its handshake by the next tick is
# dropped as well.
PING_INTERVAL_SECONDS = 20.0
# After our close frame, how long the peer has to answer before the TCP connection is cut.
CLOSE_TIMEOUT_SECONDS = 10.0
# A peer whose unsent data passes this is not reading: cut (about 400 relayed offers; the
# ASGI path's queue holds 256 messages).
MAX_BUFFERED_BYTES = 256 * 1024
# Frames larger than this are refused by the frame parser before being buffered (close 1009);
# those between the tracker's own limit (64 KiB) and this get its failure reason first.
FRAME_LIMIT_FACTOR = 2
KEEPALIVE_TIMEOUT = 1011

TEXT, BINARY, CONTINUATION = Opcode.TEXT, Opcode.BINARY, Opcode.CONT
OPEN = State.OPEN

# Unmasked text frame headers (RFC 6455 5.2): FIN + opcode 1, then the payload length.
_SHORT_HEADERS = [bytes((0x81, size)) for size in range(126)]
_MEDIUM_HEADER = struct.Struct("!BBH")
_LONG_HEADER = struct.Struct("!BBQ")


def text_frame_header(size: int) -> bytes:
    if size < 126:
        return _SHORT_HEADERS[size]
    if size < 65536:
        return _MEDIUM_HEADER.pack(0x81, 126, size)
    return _LONG_HEADER.pack(0x81, 127, size)


class TrackerServer:
    """The sockets of one process, and the writes and keepalive they share."""

    def __init__(
        self, tracker: Tracker, *, ping_interval: float = PING_INTERVAL_SECONDS, report_metrics: bool = False
    ) -> None:
        self.tracker = tracker
        self.ping_interval = ping_interval
        self.report_metrics = report_metrics
        self._report: asyncio.TimerHandle | None = None
        self.max_frame_bytes = tracker.limits.max_message_bytes * FRAME_LIMIT_FACTOR
        self.sockets: set[Socket] = set()
        self._dirty: list[Socket] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._keepalive: asyncio.TimerHandle | None = None
        self._server: asyncio.Server | None = None

    async def start(self, host: str, port: int) -> asyncio.Server:
        self._loop = asyncio.get_running_loop()
        self._server = await self._loop.create_server(lambda: Socket(self), host, port, backlog=4096)
        self._keepalive = self._loop.call_later(self.ping_interval, self._tick)
        if self.report_metrics:
            self._report = self._loop.call_later(metrics.REPORT_SECONDS, self._report_metrics)
        return self._server

    async def stop(self) -> None:
        for timer in (self._keepalive, self._report):
            if timer is not None:
                timer.cancel()
        if self._server is not None:
            self._server.close()
        for socket in list(self.sockets):
            socket.abort()
        await self.tracker.stop()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        assert self._loop is not None
        return self._loop

    def mark_dirty(self, socket: Socket) -> None:
        """`socket` has something to write: written once this event-loop turn ends."""
        if not self._dirty:
            self.loop.call_soon(self._flush)
        self._dirty.append(socket)

    def _flush(self) -> None:
        dirty, self._dirty = self._dirty, []
        for socket in dirty:
            socket.flush()

    def _report_metrics(self) -> None:
        """The connections, swarms and peers of this task, for CloudWatch (metrics.py)."""
        self._report = self.loop.call_later(metrics.REPORT_SECONDS, self._report_metrics)
        print(metrics.emf_line(self.tracker.health(), int(time.time() * 1000)), flush=True)

    def _tick(self) -> None:
        self._keepalive = self.loop.call_later(self.ping_interval, self._tick)
        for socket in list(self.sockets):
            socket.tick()


class Socket(asyncio.Protocol):
    """One client socket: its websocket state, and the tracker's `Link` to it."""

    __slots__ = (
        "_close_timer",
        "_eof",
        "_fragmented_text",
        "_fragments",
        "_held",
        "_outbox",
        "_server",
        "_stall_timer",
        "_transport",
        "_ws",
        "bucket",
        "closing",
        "idle_ticks",
        "memberships",
        "open",
    )

    def __init__(self, server: TrackerServer) -> None:
        self._server = server
        self._transport: asyncio.Transport | None = None
        self._ws = ServerProtocol(max_size=server.max_frame_bytes)
        self._outbox: list[bytes] = []
        self._eof = False
        self._fragments: list[bytes] | None = None  # a fragmented message being received
        self._fragmented_text = False
        self._held: deque[bytes | None] | None = None  # messages waiting for a store lookup
        self._close_timer: asyncio.TimerHandle | None = None
        self._stall_timer: asyncio.TimerHandle | None = None
        self.bucket: TokenBucket = server.tracker.new_bucket()
        self.memberships: set[tuple[str, str]] = set()
        self.closing = False
        self.open = False
        self.idle_ticks = 0

    # asyncio.Protocol ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport = cast("asyncio.Transport", transport)  # uvloop's is one, without subclassing it
        self._transport = transport
        transport.set_write_buffer_limits(high=64 * 1024)
        self._server.sockets.add(self)

    def data_received(self, data: bytes) -> None:
        self.idle_ticks = 0
        ws = self._ws
        ws.receive_data(data)
        self._take_output()
        if ws.state is not OPEN and self.open:
            self.closing = True  # the peer closed (or broke the protocol): nothing more to send
        try:
            for event in ws.events_received():
                if type(event) is Frame:
                    self._frame(event)
                elif isinstance(event, Request):
                    self._handshake(event)
        except Exception:
            log.exception("closing a socket after an unexpected error")
            self.abort()

    def eof_received(self) -> bool | None:
        self._ws.receive_eof()
        self._take_output()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self.closing = True
        self._server.sockets.discard(self)
        for timer in (self._close_timer, self._stall_timer):
            if timer is not None:
                timer.cancel()
        self._outbox.clear()
        if self.open:
            self.open = False
            self._server.tracker.disconnected(self)

    def pause_writing(self) -> None:
        # The peer reads slower than it is sent to: if that lasts, it only delays itself.
        self._stall_timer = self._server.loop.call_later(SEND_TIMEOUT_SECONDS, self._stalled)

    def resume_writing(self) -> None:
        if self._stall_timer is not None:
            self._stall_timer.cancel()
            self._stall_timer = None

    # The tracker's Link ---------------------------------------------------------------------

    def post(self, message: bytes) -> None:
        if self.closing:
            return
        if not self._outbox:
            self._server.mark_dirty(self)
        self._outbox.append(text_frame_header(len(message)))
        self._outbox.append(message)

    def close(self, code: int) -> None:
        if self.closing:
            return
        self.closing = True
        if self._ws.state is OPEN:
            self._ws.send_close(code)
            self._take_output()
        self._close_timer = self._server.loop.call_later(CLOSE_TIMEOUT_SECONDS, self.abort)

    # Internals --------------------------------------------------------------------------------

    def abort(self) -> None:
        if self._transport is not None:
            self._transport.abort()

    def flush(self) -> None:
        """Write what was posted this turn in one call (the server calls this)."""
        outbox, self._outbox = self._outbox, []
        transport = self._transport
        if transport is None or transport.is_closing():
            return
        transport.writelines(outbox)
        if self._eof:
            transport.close()
        elif transport.get_write_buffer_size() > MAX_BUFFERED_BYTES:
            log.info("closing a peer that does not read what it is sent")
            transport.abort()

    def tick(self) -> None:
        """Keepalive, once per interval (the server calls this)."""
        self.idle_ticks += 1
        if not self.open:
            if self.idle_ticks > 1 and not self._eof:
                self.abort()  # no handshake within an interval
        elif self.idle_ticks == 1:
            if self._ws.state is OPEN:
                self._ws.send_ping(b"")  # any answer will do: whatever arrives resets the count
                self._take_output()
        elif not self.closing:
            log.info("closing a peer that did not answer a ping")
            self.closing = True
            self._ws.fail(KEEPALIVE_TIMEOUT, "keepalive ping timeout")
            self._take_output()
        else:
            self.abort()  # closing, and silent since: gone

    def _stalled(self) -> None:
        log.info("closing a peer that did not read for %.0f s", SEND_TIMEOUT_SECONDS)
        self.abort()

    def _take_output(self) -> None:
        """Queue what websockets' protocol wants sent (handshake, pongs, close frames)."""
        writes = self._ws.data_to_send()
        if not writes:
            return
        if not self._outbox:
            self._server.mark_dirty(self)
        for chunk in writes:
            if chunk:
                self._outbox.append(chunk)
            else:
                self._eof = True  # end of stream: close once written
        if not self._outbox:
            self._outbox.append(b"")  # nothing but the end: still flushed once

    def _handshake(self, request: Request) -> None:
        ws = self._ws
        path = request.path.partition("?")[0]
        if path == SOCKET_PATH or SHARD_SOCKET_PATH.fullmatch(path):
            response = ws.accept(request)
        elif path == HEALTH_PATH:
            body = json.dumps(self._server.tracker.health()).encode()
            headers = Headers(
                [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("Connection", "close")]
            )
            response = Response(200, "OK", headers, body)
        else:
            response = ws.reject(404, "Not Found\n")
        ws.send_response(response)
        self._take_output()
        if response.status_code == 101:
            self.open = True
            self._server.tracker.connected()

    def _frame(self, frame: Frame) -> None:
        """A data frame: a whole message is handled (None stands for a binary one)."""
        opcode = frame.opcode
        data = cast("bytes", frame.data)  # bytes when parsed (BytesLike only when built to send)
        if opcode is TEXT or opcode is BINARY:
            if not frame.fin:  # the first of several (the protocol bounds their total size)
                self._fragments = [data]
                self._fragmented_text = opcode is TEXT
                return
            message: bytes | None = data if opcode is TEXT else None
        elif opcode is CONTINUATION and self._fragments is not None:
            self._fragments.append(data)
            if not frame.fin:
                return
            message = b"".join(self._fragments) if self._fragmented_text else None
            self._fragments = None
        else:
            return  # ping (the protocol answers it), pong, close
        if self._held is not None:
            self._held.append(message)
        else:
            self._handle(message)

    def _handle(self, message: bytes | None) -> None:
        tracker = self._server.tracker
        if message is None:
            tracker.refuse_binary(self)
            return
        pending = tracker.handle(self, message)
        if pending is not None:
            # The store is asked about this swarm: the socket's next messages wait their turn.
            self._held = deque()
            if self._transport is not None:
                self._transport.pause_reading()
            self._server.loop.create_task(self._after(pending))

    async def _after(self, pending: Coroutine[Any, Any, None]) -> None:
        try:
            await pending
            while self._held:
                message = self._held.popleft()
                if message is None:
                    self._server.tracker.refuse_binary(self)
                    continue
                more = self._server.tracker.handle(self, message)
                if more is not None:
                    await more
        except Exception:
            log.exception("closing a socket after an unexpected error")
            self.abort()
        finally:
            self._held = None
            transport = self._transport
            if transport is not None and not transport.is_closing():
                transport.resume_reading()


def production_tracker() -> Tracker:
    """The table bound from the environment (the same CIRRUS_* settings as the functions);
    CIRRUS_TRACKER_PUBLIC=true serves every swarm."""
    if os.environ.get("CIRRUS_TRACKER_PUBLIC", "").lower() in ("1", "true", "yes"):
        return Tracker(AnyInfoHash())
    from chalicelib.config import get_settings
    from chalicelib.store import table

    table.bind(get_settings())
    return Tracker(store_policy())


async def serve_forever(host: str, port: int) -> None:
    server = TrackerServer(production_tracker(), report_metrics=True)
    listening = await server.start(host, port)
    log.info("tracker listening on %s:%d", host, port)
    try:
        await listening.serve_forever()
    finally:
        await server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="The WebTorrent tracker (websocket at /tracker/socket)")
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=8000)
    options = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("websockets").setLevel(logging.WARNING)  # one line per socket otherwise
    # Every socket holds objects that live as long as it does; with the default thresholds
    # the cyclic collector keeps walking all of them (tens of thousands of peers) and its
    # pauses dominated the relay latency. Collect young objects far less often, and never
    # walk what was imported at start-up.
    gc.set_threshold(50_000, 20, 100)
    gc.freeze()
    try:
        uvloop: Any = importlib.import_module("uvloop")  # in the container's requirements
    except ImportError:
        asyncio.run(serve_forever(options.host, options.port))
    else:
        uvloop.run(serve_forever(options.host, options.port))


if __name__ == "__main__":
    main()
