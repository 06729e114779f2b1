"""RTMP's chunk stream, server side, without I/O: the handshake's answer, a decoder that turns
received bytes into whole messages, and the encoder of what the server sends.

Only what an encoder publishing a live needs (Adobe's RTMP specification 1.0, sections 5.2 to
5.4 and 7.1): the simple handshake (an S1 of version 0, which OBS's librtmp and ffmpeg accept
without a digest), chunk headers of the four formats with extended timestamps, the protocol
control messages (chunk size, abort, acknowledgements, window size) and user control pings.
Every length read from the peer is bounded before anything is buffered for it.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field

HANDSHAKE_SIZE = 1536
RTMP_VERSION = 3

# Message types (specification, sections 5.4 and 7.1).
SET_CHUNK_SIZE, ABORT, ACKNOWLEDGEMENT, USER_CONTROL = 1, 2, 3, 4
WINDOW_ACK_SIZE, SET_PEER_BANDWIDTH = 5, 6
AUDIO, VIDEO = 8, 9
DATA_AMF3, COMMAND_AMF3, DATA_AMF0, COMMAND_AMF0, AGGREGATE = 15, 17, 18, 20, 22

# User control events.
STREAM_BEGIN, PING_REQUEST, PING_RESPONSE = 0, 6, 7

DEFAULT_CHUNK_SIZE = 128
MAX_CHUNK_SIZE = 0x7FFFFFFF
# Limits on what a peer can make the server hold: one message (a 4K keyframe is a few MB),
# and the messages being assembled at once (encoders use a handful of chunk streams).
MAX_MESSAGE_BYTES = 8 * 1024 * 1024
MAX_OPEN_CHUNK_STREAMS = 64
EXTENDED = 0xFFFFFF

_U24 = struct.Struct(">I")  # read from 4 bytes with a leading zero
_U32 = struct.Struct(">I")
_U32_LE = struct.Struct("<I")


class RtmpError(ValueError):
    """The peer broke the protocol (the connection is closed with this reason logged)."""


@dataclass(frozen=True, slots=True)
class Message:
    type_id: int
    stream_id: int
    timestamp: int  # milliseconds, 32 bits
    payload: bytes


def handshake_reply(c0c1: bytes) -> bytes:
    """S0, S1 and S2 for the client's C0 and C1: version 3, a random S1 with a zero version
    field (so clients skip digest checks), and S2 echoing C1."""
    if len(c0c1) != 1 + HANDSHAKE_SIZE:
        raise RtmpError("handshake cut short")
    if c0c1[0] != RTMP_VERSION:
        raise RtmpError(f"unsupported RTMP version {c0c1[0]} (RTMPE and RTMPT are not served)")
    s1 = bytes(8) + os.urandom(HANDSHAKE_SIZE - 8)
    return bytes((RTMP_VERSION,)) + s1 + c0c1[1:]


@dataclass(slots=True)
class _ChunkStream:
    """What a chunk stream's next header may leave out (section 5.3.1.2)."""

    timestamp: int = 0
    delta: int = 0
    length: int = 0
    type_id: int = 0
    stream_id: int = 0
    extended: bool = False
    started: bool = False
    partial: bytearray | None = None


@dataclass
class ChunkDecoder:
    """Bytes in, whole messages out. Chunk size and abort messages take effect at once, as
    the chunks after them in the same read depend on them."""

    max_message_bytes: int = MAX_MESSAGE_BYTES
    chunk_size: int = DEFAULT_CHUNK_SIZE
    received: int = 0
    _buffer: bytearray = field(default_factory=bytearray)
    _streams: dict[int, _ChunkStream] = field(default_factory=dict)

    def feed(self, data: bytes) -> list[Message]:
        self.received += len(data)
        self._buffer += data
        messages: list[Message] = []
        position = 0
        buffer = self._buffer
        while True:
            parsed = self._chunk(buffer, position)
            if parsed is None:
                break
            position, message = parsed
            if message is not None:
                self._control(message)
                messages.append(message)
        del buffer[:position]
        return messages

    def _chunk(self, buffer: bytearray, start: int) -> tuple[int, Message | None] | None:
        """One chunk from `start`: where the next begins and the message it completed; None
        if the buffer does not yet hold the whole chunk."""
        basic = _basic_header(buffer, start)
        if basic is None:
            return None
        fmt, csid, position = basic
        stream = self._stream(csid, fmt)
        header = _message_header(buffer, position, fmt, stream)
        if header is None:
            return None
        position = header.end
        if header.length > self.max_message_bytes:
            raise RtmpError(f"message of {header.length} bytes is over the limit of {self.max_message_bytes}")
        have = len(stream.partial) if stream.partial is not None else 0
        body = min(self.chunk_size, header.length - have)
        if position + body > len(buffer):
            return None  # the stream's state changes only once the whole chunk is here
        if stream.partial is None:
            _start_message(stream, fmt, header)
            self._streams[csid] = stream
        assert stream.partial is not None
        stream.partial += buffer[position : position + body]
        position += body
        if len(stream.partial) < stream.length:
            return position, None
        payload, stream.partial = bytes(stream.partial), None
        return position, Message(stream.type_id, stream.stream_id, stream.timestamp, payload)

    def _stream(self, csid: int, fmt: int) -> _ChunkStream:
        stream = self._streams.get(csid)
        if stream is None:
            if len(self._streams) >= MAX_OPEN_CHUNK_STREAMS:
                raise RtmpError("too many chunk streams")
            stream = _ChunkStream()
        if fmt != 0 and not stream.started:
            raise RtmpError(f"a chunk stream began with a type {fmt} header")
        if fmt < 3 and stream.partial is not None:
            raise RtmpError("a new message began before the last one on its chunk stream ended")
        return stream

    def _control(self, message: Message) -> None:
        if message.type_id == SET_CHUNK_SIZE:
            if len(message.payload) < 4:
                raise RtmpError("set chunk size cut short")
            chunk_size = _U32.unpack(message.payload[:4])[0] & 0x7FFFFFFF
            if chunk_size < 1:
                raise RtmpError("chunk size of 0")
            self.chunk_size = chunk_size
        elif message.type_id == ABORT and len(message.payload) >= 4:
            aborted = self._streams.get(_U32.unpack(message.payload[:4])[0])
            if aborted is not None:
                aborted.partial = None


@dataclass(frozen=True, slots=True)
class _Header:
    stamp: int  # absolute for type 0, a delta otherwise (unused for type 3)
    length: int
    type_id: int
    stream_id: int
    extended: bool
    end: int


def _basic_header(buffer: bytearray, position: int) -> tuple[int, int, int] | None:
    """Format, chunk stream id and where the message header begins."""
    if position >= len(buffer):
        return None
    first = buffer[position]
    fmt, csid = first >> 6, first & 0x3F
    if csid == 0:
        if position + 2 > len(buffer):
            return None
        return fmt, 64 + buffer[position + 1], position + 2
    if csid == 1:
        if position + 3 > len(buffer):
            return None
        return fmt, 64 + buffer[position + 1] + 256 * buffer[position + 2], position + 3
    return fmt, csid, position + 1


def _message_header(buffer: bytearray, position: int, fmt: int, stream: _ChunkStream) -> _Header | None:
    size = (11, 7, 3, 0)[fmt]
    if position + size > len(buffer):
        return None
    raw = bytes(buffer[position : position + size])
    position += size
    stamp = _U24.unpack(b"\x00" + raw[0:3])[0] if fmt < 3 else 0
    # A type 3 chunk carries an extended timestamp when its message's first chunk did.
    extended = stamp == EXTENDED if fmt < 3 else stream.extended
    if extended:
        if position + 4 > len(buffer):
            return None
        stamp = _U32.unpack(buffer[position : position + 4])[0]
        position += 4
    length = _U24.unpack(b"\x00" + raw[3:6])[0] if fmt < 2 else stream.length
    type_id = raw[6] if fmt < 2 else stream.type_id
    stream_id = _U32_LE.unpack(raw[7:11])[0] if fmt == 0 else stream.stream_id
    return _Header(stamp, length, type_id, stream_id, extended, position)


def _start_message(stream: _ChunkStream, fmt: int, header: _Header) -> None:
    if fmt == 0:
        # A type 3 header after a type 0 repeats its timestamp as the delta (5.3.1.2.4).
        stream.timestamp, stream.delta = header.stamp, header.stamp
    elif fmt in (1, 2):
        stream.delta = header.stamp
        stream.timestamp = (stream.timestamp + header.stamp) & 0xFFFFFFFF
    else:
        stream.timestamp = (stream.timestamp + stream.delta) & 0xFFFFFFFF
    stream.length, stream.type_id, stream.stream_id = header.length, header.type_id, header.stream_id
    stream.extended = header.extended
    stream.started = True
    stream.partial = bytearray()


def encode_message(
    csid: int, type_id: int, payload: bytes, *, stream_id: int = 0, timestamp: int = 0, chunk_size: int = 4096
) -> bytes:
    """One message as a type 0 chunk followed by type 3 chunks (`csid` below 64)."""
    parts = [
        bytes((csid,)),
        _U24.pack(min(timestamp, EXTENDED))[1:],
        _U24.pack(len(payload))[1:],
        bytes((type_id,)),
        _U32_LE.pack(stream_id),
    ]
    if timestamp >= EXTENDED:
        parts.append(_U32.pack(timestamp))
    parts.append(payload[:chunk_size])
    for offset in range(chunk_size, len(payload), chunk_size):
        parts.append(bytes((0xC0 | csid,)))
        if timestamp >= EXTENDED:
            parts.append(_U32.pack(timestamp))
        parts.append(payload[offset : offset + chunk_size])
    return b"".join(parts)


def control(type_id: int, value: int, *extra: int) -> bytes:
    """A protocol control message (chunk stream 2, message stream 0)."""
    return encode_message(2, type_id, _U32.pack(value) + bytes(extra))


def user_control(event: int, value: int) -> bytes:
    return encode_message(2, USER_CONTROL, struct.pack(">HI", event, value))
