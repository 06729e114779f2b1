"""The production server's own duties, on a fake transport: keepalive, a peer that does not
read, writes gathered per event-loop turn. (Everything else runs over real sockets in
tests/integration/test_tracker.py.)"""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

from functions.tracker.server import MAX_BUFFERED_BYTES, Socket, TrackerServer, text_frame_header
from functions.tracker.service import Tracker

HANDSHAKE = (
    b"GET /tracker/socket HTTP/1.1\r\nHost: tracker\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: " + base64.b64encode(b"0123456789abcdef") + b"\r\nSec-WebSocket-Version: 13\r\n\r\n"
)


class FakeTransport:
    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.buffered = 0
        self.aborted = False
        self.closed = False
        self.reading = True

    def set_write_buffer_limits(self, high: int) -> None:
        pass

    def writelines(self, chunks: list[bytes]) -> None:
        self.written.append(b"".join(chunks))

    def get_write_buffer_size(self) -> int:
        return self.buffered

    def is_closing(self) -> bool:
        return self.aborted or self.closed

    def abort(self) -> None:
        self.aborted = True

    def close(self) -> None:
        self.closed = True

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True


def _masked_text(text: str) -> bytes:
    """A client's text frame (clients mask theirs; a zero mask keeps the payload readable)."""
    payload = text.encode()
    assert len(payload) < 126
    return bytes((0x81, 0x80 | len(payload))) + b"\0\0\0\0" + payload


async def _open_socket(server: TrackerServer) -> tuple[Socket, FakeTransport]:
    socket, transport = Socket(server), FakeTransport()
    socket.connection_made(transport)  # type: ignore[arg-type]
    socket.data_received(HANDSHAKE)
    await asyncio.sleep(0)  # the turn's writes
    assert transport.written.pop(0).startswith(b"HTTP/1.1 101")
    return socket, transport


def _run(scenario: Any) -> None:
    async def main() -> None:
        server = TrackerServer(Tracker())
        await server.start("127.0.0.1", 0)
        try:
            await scenario(server)
        finally:
            await server.stop()

    asyncio.run(main())


def test_messages_sent_in_one_turn_go_out_in_one_write() -> None:
    async def scenario(server: TrackerServer) -> None:
        socket, transport = await _open_socket(server)
        announce = {"action": "announce", "info_hash": "i" * 20, "peer_id": "p" * 20}
        socket.data_received(_masked_text(json.dumps(announce)) + _masked_text('{"action": "x"}'))
        await asyncio.sleep(0)
        (written,) = transport.written
        reply = json.loads(written[2 : 2 + written[1]])
        assert reply["incomplete"] == 1
        assert written[2 + written[1] :].startswith(text_frame_header(len(b'{"failure reason":"unknown action"}')))

    _run(scenario)


def test_a_peer_that_does_not_read_is_cut() -> None:
    async def scenario(server: TrackerServer) -> None:
        socket, transport = await _open_socket(server)
        transport.buffered = MAX_BUFFERED_BYTES + 1  # the kernel's buffer and ours are full
        socket.post(b"{}")
        await asyncio.sleep(0)
        assert transport.aborted

    _run(scenario)


def test_a_silent_socket_is_pinged_then_dropped() -> None:
    async def scenario(server: TrackerServer) -> None:
        socket, transport = await _open_socket(server)
        socket.tick()
        await asyncio.sleep(0)
        assert transport.written.pop() == b"\x89\x00"  # a ping
        socket.data_received(b"\x8a\x80\0\0\0\0")  # its pong: alive
        socket.tick()
        await asyncio.sleep(0)
        assert transport.written.pop() == b"\x89\x00"
        socket.tick()  # no answer for a whole interval: closed 1011, and the TCP connection cut
        await asyncio.sleep(0)
        assert transport.written.pop() == b"\x88\x18\x03\xf3keepalive ping timeout"
        assert transport.closed

    _run(scenario)


def test_a_connection_without_a_handshake_is_dropped() -> None:
    async def scenario(server: TrackerServer) -> None:
        socket, transport = Socket(server), FakeTransport()
        socket.connection_made(transport)  # type: ignore[arg-type]
        socket.data_received(b"GET /tracker/socket HTTP/1.1\r\n")  # and nothing more
        socket.tick()
        assert not transport.aborted
        socket.tick()
        assert transport.aborted

    _run(scenario)


def test_the_server_reports_its_connections_for_cloudwatch(capsys: Any) -> None:
    """One embedded-metric line a minute: template.yaml's TrackerConnectionsHigh alarm reads
    TrackerConnections from it (namespace Cirrus, dimension service=tracker)."""
    from functions.tracker import metrics

    async def scenario() -> dict[str, Any]:
        server = TrackerServer(Tracker(), report_metrics=True)
        server._loop = asyncio.get_running_loop()
        socket = Socket(server)
        socket.connection_made(FakeTransport())  # type: ignore[arg-type]
        socket.data_received(HANDSHAKE)
        server._report_metrics()
        assert server._report is not None
        server._report.cancel()
        return dict(json.loads(capsys.readouterr().out.strip().splitlines()[-1]))

    line = asyncio.run(scenario())
    (directive,) = line["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == metrics.NAMESPACE == "Cirrus"
    assert directive["Dimensions"] == [["service"]] and line["service"] == "tracker"
    assert {m["Name"] for m in directive["Metrics"]} == {"TrackerConnections", "TrackerSwarms", "TrackerPeers"}
    assert (line["TrackerConnections"], line["TrackerPeers"]) == (1, 0)
