"""The RTMP endpoint: encoders connect to `rtmp://<host>:1935/live` and publish under their
stream key, as they do to PeerTube.

Each connection goes handshake → `connect` (application `live` only) → `createStream` →
`publish <key>`; the key is checked (`LiveService.publish`) before any media is accepted,
and a refusal is answered with NetStream.Publish.BadName and its reason, then the connection
is closed. Media then flows to the service. Bounded: connections at once, time to reach
`publish`, time to send playable media, silence (bad socket health), message sizes.

    python -m functions.live.server [--host 0.0.0.0] [--port 1935] --key KEY=VIDEO_UUID --sink DIR

(The command line wires the service to a fixed key list and a local directory, for
development and benchmarks; Cirrus's own wiring passes the store's lookups and media port.)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import time
from pathlib import Path
from typing import Any

from functions.live import amf0, rtmp
from functions.live.amf0 import AmfError
from functions.live.flv import FlvError, aggregate_parts
from functions.live.media_check import MediaRefused
from functions.live.muxing import MuxingError
from functions.live.ports import DirectorySink, LiveTarget, Refusal, SessionRecord
from functions.live.rtmp import ChunkDecoder, Message, RtmpError
from functions.live.service import UNPUBLISHED, LiveService, Publication
from functions.live.settings import LiveSettings, from_environment

log = logging.getLogger("cirrus.live")

APPLICATION = "live"
SERVER_CHUNK_SIZE = 4096
WINDOW_ACK_SIZE = 2_500_000
STREAM_ID = 1
READ_SIZE = 64 * 1024
WRITE_TIMEOUT_SECONDS = 5.0


class RtmpServer:
    """The listening socket and its connections."""

    def __init__(self, service: LiveService) -> None:
        self.service = service
        self.settings = service.settings
        self.connections: set[Connection] = set()
        self.refused_connections = 0
        self._server: asyncio.Server | None = None

    async def start(self, host: str, port: int) -> asyncio.Server:
        self._server = await asyncio.start_server(self._accept, host, port, limit=READ_SIZE)
        return self._server

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for connection in list(self.connections):
            connection.cut("the server is stopping")
        await self.service.stop()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if len(self.connections) >= self.settings.max_connections:
            self.refused_connections += 1
            log.warning("refused a connection from %s: %d connections already", _peer(writer), len(self.connections))
            writer.transport.abort()
            return
        connection = Connection(self, reader, writer)
        self.connections.add(connection)
        try:
            await connection.serve()
        finally:
            self.connections.discard(connection)


class Connection:
    """One encoder's RTMP connection (the `Publisher` the service knows)."""

    def __init__(self, server: RtmpServer, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._server = server
        self._settings = server.settings
        self._reader = reader
        self._writer = writer
        self.peer = _peer(writer)
        self.last_data = time.monotonic()
        self._decoder = ChunkDecoder()
        self._acknowledged = 0
        self._window = WINDOW_ACK_SIZE
        self._publication: Publication | None = None
        self._published_at: float | None = None
        self._closing: str | None = None

    def cut(self, reason: str) -> None:
        if self._closing is None:
            self._closing = reason
            log.info("closing %s: %s", self.peer, reason)
        self._writer.transport.abort()

    async def serve(self) -> None:
        reason = "the encoder disconnected"
        try:
            async with asyncio.timeout(self._settings.handshake_timeout):
                await self._handshake()
                while self._publication is None and self._closing is None:
                    await self._read()
            while self._closing is None:
                await self._read()
        except TimeoutError:
            reason = (
                f"no data for {self._settings.idle_timeout:g} s (bad socket health)"
                if self._publication is not None
                else f"did not publish within {self._settings.handshake_timeout:g} s"
            )
            log.warning("%s: %s", self.peer, reason)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        except (RtmpError, AmfError, FlvError) as exc:
            reason = f"protocol error: {exc}"
            log.warning("%s: %s", self.peer, reason)
        except (MediaRefused, MuxingError) as exc:
            reason = str(exc)
            log.warning("%s: stream cut: %s", self.peer, reason)
        except OSError as exc:  # ffmpeg could not be started, the work directory is full...
            reason = f"the stream could not be processed: {exc}"
            log.exception("%s: %s", self.peer, reason)
        except Exception:
            reason = "an unexpected error"
            log.exception("%s: closed after an unexpected error", self.peer)
        finally:
            reason = self._closing or reason
            if self._publication is not None:
                self._publication.end(reason)
            self._writer.close()  # after cut(), the transport is already aborted

    async def _handshake(self) -> None:
        c0c1 = await self._reader.readexactly(1 + rtmp.HANDSHAKE_SIZE)
        self._writer.write(rtmp.handshake_reply(c0c1))
        await self._reader.readexactly(rtmp.HANDSHAKE_SIZE)  # C2: its content is not checked
        self._writer.write(rtmp.control(rtmp.SET_CHUNK_SIZE, SERVER_CHUNK_SIZE))

    async def _read(self) -> None:
        timeout = self._settings.idle_timeout if self._publication is not None else None
        async with asyncio.timeout(timeout):
            data = await self._reader.read(READ_SIZE)
        if not data:
            raise asyncio.IncompleteReadError(b"", None)
        self.last_data = time.monotonic()
        for message in self._decoder.feed(data):
            await self._message(message)
        received = self._decoder.received
        if received - self._acknowledged >= self._window:
            self._acknowledged = received
            self._writer.write(rtmp.control(rtmp.ACKNOWLEDGEMENT, received & 0xFFFFFFFF))
        publication = self._publication
        if (
            publication is not None
            and self._published_at is not None
            and not publication.accepted
            and time.monotonic() - self._published_at > self._settings.media_timeout
        ):
            raise MediaRefused(f"no playable H.264 video within {self._settings.media_timeout:g} s")

    async def _message(self, message: Message) -> None:
        kind = message.type_id
        if kind in (rtmp.AUDIO, rtmp.VIDEO):
            await self._media(kind, message.timestamp, message.payload)
        elif kind == rtmp.AGGREGATE:
            for part_kind, stamp, body in aggregate_parts(message.payload, message.timestamp):
                await self._media(part_kind, stamp, body)
        elif kind in (rtmp.COMMAND_AMF0, rtmp.COMMAND_AMF3):
            payload = message.payload[1:] if kind == rtmp.COMMAND_AMF3 else message.payload
            await self._command(amf0.decode_all(payload))
        elif kind in (rtmp.DATA_AMF0, rtmp.DATA_AMF3):
            payload = message.payload[1:] if kind == rtmp.DATA_AMF3 else message.payload
            self._data(amf0.decode_all(payload))
        elif kind == rtmp.WINDOW_ACK_SIZE and len(message.payload) >= 4:
            self._window = max(1, int.from_bytes(message.payload[:4], "big"))
        elif kind == rtmp.USER_CONTROL and message.payload[:2] == rtmp.PING_REQUEST.to_bytes(2, "big"):
            stamp = int.from_bytes(message.payload[2:6], "big")
            self._writer.write(rtmp.user_control(rtmp.PING_RESPONSE, stamp))

    async def _media(self, kind: int, timestamp: int, body: bytes) -> None:
        if self._publication is None:
            raise RtmpError("media before publish")
        await self._publication.media(kind, timestamp, body)

    def _data(self, values: list[Any]) -> None:
        if values and values[0] == "@setDataFrame":
            values = values[1:]
        publication = self._publication
        if publication is not None and len(values) >= 2 and values[0] == "onMetaData" and isinstance(values[1], dict):
            publication.metadata(values[1])

    async def _command(self, values: list[Any]) -> None:
        if len(values) < 2 or not isinstance(values[0], str):
            raise RtmpError("command without a name")
        name, transaction = values[0], values[1]
        if name == "connect":
            await self._connect(transaction, values[2] if len(values) > 2 else None)
        elif name == "createStream":
            self._send_command("_result", transaction, None, STREAM_ID)
        elif name == "publish":
            await self._publish(values[3] if len(values) > 3 else None)
        elif name in ("FCUnpublish", "deleteStream", "closeStream") and self._publication is not None:
            self._closing = UNPUBLISHED
        # releaseStream, FCPublish, getStreamLength, _checkbw...: nothing to answer.
        await self._drain()

    async def _connect(self, transaction: Any, properties: Any) -> None:
        app = properties.get("app") if isinstance(properties, dict) else None
        if not isinstance(app, str) or app.split("?")[0].strip("/") != APPLICATION:
            self._send_command(
                "_error", transaction, None,
                {"level": "error", "code": "NetConnection.Connect.Rejected", "description": "Unknown application"},
            )  # fmt: skip
            await self._drain()
            raise RtmpError(f"connect to application {app!r}: only /{APPLICATION} is served")
        self._writer.write(rtmp.control(rtmp.WINDOW_ACK_SIZE, WINDOW_ACK_SIZE))
        self._writer.write(rtmp.control(rtmp.SET_PEER_BANDWIDTH, WINDOW_ACK_SIZE, 2))
        self._send_command(
            "_result", transaction,
            {"fmsVer": "FMS/3,0,1,123", "capabilities": 31},
            {"level": "status", "code": "NetConnection.Connect.Success", "description": "Connection succeeded.",
             "objectEncoding": 0},
        )  # fmt: skip

    async def _publish(self, name: Any) -> None:
        if self._publication is not None:
            raise RtmpError("publish twice on one connection")
        key = name.split("?")[0] if isinstance(name, str) else ""
        if not key:
            raise RtmpError("publish without a stream key")
        result = await self._server.service.publish(key, self)
        if isinstance(result, Refusal):
            self._status("error", "NetStream.Publish.BadName", result.reason)
            await self._drain()
            self._closing = f"refused: {result.reason}"
            return
        self._publication = result
        self._published_at = time.monotonic()
        self._writer.write(rtmp.user_control(rtmp.STREAM_BEGIN, STREAM_ID))
        self._status("status", "NetStream.Publish.Start", "Publishing live.")

    def _status(self, level: str, code: str, description: str) -> None:
        info = {"level": level, "code": code, "description": description}
        payload = amf0.encode("onStatus", 0, None, info)
        self._writer.write(
            rtmp.encode_message(5, rtmp.COMMAND_AMF0, payload, stream_id=STREAM_ID, chunk_size=SERVER_CHUNK_SIZE)
        )

    def _send_command(self, *values: Any) -> None:
        payload = amf0.encode(*values)
        self._writer.write(rtmp.encode_message(3, rtmp.COMMAND_AMF0, payload, chunk_size=SERVER_CHUNK_SIZE))

    async def _drain(self) -> None:
        with contextlib.suppress(ConnectionError):
            await asyncio.wait_for(self._writer.drain(), WRITE_TIMEOUT_SECONDS)


def _peer(writer: asyncio.StreamWriter) -> str:
    peer = writer.get_extra_info("peername")
    return f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer)


# The command line's wiring (development and benchmarks).


class StaticKeys:
    """Stream keys from the command line (KEY=VIDEO_UUID)."""

    def __init__(self, keys: dict[str, str], *, latency_mode: int = 1) -> None:
        self._keys = keys
        self._latency_mode = latency_mode

    async def __call__(self, stream_key: str) -> LiveTarget | Refusal:
        video_id = self._keys.get(stream_key)
        if video_id is None:
            return Refusal("unknown stream key")
        return LiveTarget(video_id, f"streaming-playlists/hls/{video_id}", latency_mode=self._latency_mode)


async def _log_state(video_id: str, state: int) -> None:
    log.info("live %s: state %d", video_id, state)


async def _log_end(session: SessionRecord) -> None:
    segments = sum(len(r.segments) for r in session.renditions)
    log.info("session %s of %s ended: %d segments", session.session_id, session.target.video_id, segments)


async def serve_forever(host: str, port: int, settings: LiveSettings, keys: dict[str, str], sink: Path) -> None:
    service = LiveService(
        settings, authorise=StaticKeys(keys), on_state=_log_state, sink=DirectorySink(sink), on_session_end=_log_end
    )
    server = RtmpServer(service)
    await server.start(host, port)
    log.info("RTMP ingest listening on %s:%d", host, port)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    try:
        await stopping.wait()
    finally:
        # Sessions end properly (last segments, closed playlists, state, hand-over) before
        # the task goes: ECS waits stopTimeout (30 s by default) after SIGTERM.
        await server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="The RTMP live ingest (rtmp://host:port/live/<key>)")
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--key", action="append", default=[], help="KEY=VIDEO_UUID (repeatable)")
    parser.add_argument("--sink", type=Path, default=Path("live-output"))
    options = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = from_environment()
    keys = dict(item.split("=", 1) for item in options.key)
    asyncio.run(serve_forever(options.host, options.port or settings.rtmp_port, settings, keys, options.sink))


if __name__ == "__main__":
    main()
