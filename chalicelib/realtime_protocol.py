"""Engine.IO v4 and Socket.IO v5 packets over WebSocket text frames: decoding what a client
sends, encoding what the server sends. Pure: no I/O, no Cirrus imports.

A WebSocket frame carries one Engine.IO packet: its type as one digit, then its data
(`0{...}` open, `1` close, `2` ping, `3` pong, `4...` message, `5` upgrade, `6` noop). A
message carries one Socket.IO packet: `<type>[<namespace>,][<ack id>][<JSON>]`, with the
types CONNECT 0, DISCONNECT 1, EVENT 2, ACK 3, CONNECT_ERROR 4 (and the binary ones 5 and 6,
which PeerTube never uses and which are refused here).

Everything a client sends is hostile until decoded here: frames over `MAX_FRAME_CHARS`,
unknown types, malformed namespaces or JSON, nested JSON deep enough to exhaust the stack,
binary packets, and packets only a server may send all raise `ProtocolError`, never
anything else.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# Engine.IO packet types.
OPEN, CLOSE, PING, PONG, MESSAGE, UPGRADE, NOOP = "0", "1", "2", "3", "4", "5", "6"
ENGINE_TYPES = frozenset((OPEN, CLOSE, PING, PONG, MESSAGE, UPGRADE, NOOP))
# Socket.IO packet types.
CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR, BINARY_EVENT, BINARY_ACK = 0, 1, 2, 3, 4, 5, 6

DEFAULT_NAMESPACE = "/"
# What one client frame may hold. PeerTube's clients send a namespace connection with a token
# or a subscription with an id: a few hundred characters. API Gateway's own cap is 128 KB.
MAX_FRAME_CHARS = 8 * 1024
# Socket.IO allows any string; PeerTube's namespaces are short ASCII names.
_NAMESPACE = re.compile(r"^/[A-Za-z0-9_\-./]{0,63}$")
_ACK_DIGITS = 9
_ASCII_DIGITS = "0123456789"  # str.isdigit() also takes other scripts' digits


class ProtocolError(ValueError):
    """A frame that is not a packet this server accepts from a client."""


@dataclass(frozen=True)
class EnginePacket:
    type: str  # one of ENGINE_TYPES
    data: str = ""


@dataclass(frozen=True)
class SocketPacket:
    type: int
    namespace: str = DEFAULT_NAMESPACE
    data: Any = None  # CONNECT: dict or None; EVENT: [name, *args]; ACK: list; CONNECT_ERROR: dict
    ack_id: int | None = None

    @property
    def event_name(self) -> str:
        """An EVENT's name (its first element, which decoding checked is a string)."""
        return str(self.data[0])

    @property
    def event_args(self) -> list[Any]:
        return list(self.data[1:])


# --- Engine.IO -----------------------------------------------------------------------------


def decode_engine(frame: str) -> EnginePacket:
    """One text frame from a client."""
    if not isinstance(frame, str):
        raise ProtocolError("binary frames are not accepted")
    if len(frame) > MAX_FRAME_CHARS:
        raise ProtocolError(f"frame over {MAX_FRAME_CHARS} characters")
    if not frame or frame[0] not in ENGINE_TYPES:
        raise ProtocolError("unknown Engine.IO packet type")
    if frame[0] == OPEN:
        raise ProtocolError("only a server opens a session")
    return EnginePacket(frame[0], frame[1:])


def encode_open(sid: str, ping_interval_ms: int, ping_timeout_ms: int, max_payload: int) -> str:
    """The handshake a server sends first. No upgrades: the session is a WebSocket already."""
    document = {
        "sid": sid,
        "upgrades": [],
        "pingInterval": ping_interval_ms,
        "pingTimeout": ping_timeout_ms,
        "maxPayload": max_payload,
    }
    return OPEN + _dumps(document)


def encode_engine(packet_type: str, data: str = "") -> str:
    if packet_type not in ENGINE_TYPES:
        raise ValueError(f"unknown Engine.IO packet type {packet_type!r}")
    return packet_type + data


# --- Socket.IO -----------------------------------------------------------------------------


def decode_socket(text: str) -> SocketPacket:
    """The Socket.IO packet inside an Engine.IO message (the frame without its leading `4`)."""
    if not text or text[0] not in _ASCII_DIGITS:
        raise ProtocolError("missing Socket.IO packet type")
    packet_type = int(text[0])
    if packet_type in (BINARY_EVENT, BINARY_ACK):
        raise ProtocolError("binary packets are not accepted")
    if packet_type == CONNECT_ERROR:
        raise ProtocolError("only a server refuses a connection")
    if packet_type > BINARY_ACK:
        raise ProtocolError("unknown Socket.IO packet type")
    rest = text[1:]

    namespace = DEFAULT_NAMESPACE
    if rest.startswith("/"):
        end = rest.find(",")
        candidate = rest if end < 0 else rest[:end]
        if not _NAMESPACE.match(candidate):
            raise ProtocolError("invalid namespace")
        namespace = candidate
        rest = "" if end < 0 else rest[end + 1 :]

    ack_id = None
    digits = 0
    while digits < len(rest) and rest[digits] in _ASCII_DIGITS:
        digits += 1
    if digits:
        if digits > _ACK_DIGITS or packet_type not in (EVENT, ACK):
            raise ProtocolError("invalid acknowledgement id")
        ack_id = int(rest[:digits])
        rest = rest[digits:]

    data = _loads(rest) if rest else None
    _check_data(packet_type, data, ack_id)
    return SocketPacket(packet_type, namespace, data, ack_id)


def encode_socket(packet: SocketPacket) -> str:
    """A whole frame: the Engine.IO message wrapping the Socket.IO packet."""
    namespace = "" if packet.namespace == DEFAULT_NAMESPACE else packet.namespace + ","
    ack = "" if packet.ack_id is None else str(packet.ack_id)
    data = "" if packet.data is None else _dumps(packet.data)
    return f"{MESSAGE}{packet.type}{namespace}{ack}{data}"


def connect_ok(namespace: str, sid: str) -> str:
    return encode_socket(SocketPacket(CONNECT, namespace, {"sid": sid}))


def connect_error(namespace: str, message: str) -> str:
    """socket.io-client turns this into a `connect_error` event with an Error of this message."""
    return encode_socket(SocketPacket(CONNECT_ERROR, namespace, {"message": message}))


def event(namespace: str, name: str, *args: Any) -> str:
    return encode_socket(SocketPacket(EVENT, namespace, [name, *args]))


def disconnect(namespace: str) -> str:
    return encode_socket(SocketPacket(DISCONNECT, namespace))


def _check_data(packet_type: int, data: Any, ack_id: int | None) -> None:
    if packet_type == CONNECT:
        if data is not None and not isinstance(data, dict):
            raise ProtocolError("a CONNECT payload must be an object")
    elif packet_type == DISCONNECT:
        if data is not None:
            raise ProtocolError("a DISCONNECT carries no payload")
    elif packet_type == EVENT:
        if not isinstance(data, list) or not data or not isinstance(data[0], str):
            raise ProtocolError("an EVENT payload must be a list starting with its name")
    elif packet_type == ACK and (ack_id is None or not isinstance(data, list)):
        raise ProtocolError("an ACK needs an id and a list")


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        # RecursionError: thousands of nested brackets fit in a frame.
        raise ProtocolError("invalid JSON payload") from exc


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
