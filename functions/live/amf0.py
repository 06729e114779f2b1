"""AMF0, the encoding of RTMP's commands (connect, createStream, publish) and of the
stream's metadata (onMetaData). Encoders (OBS, ffmpeg, Larix) speak AMF0 only.

Decoding is of hostile bytes: every read is bounds-checked and nesting is limited, and any
malformed value raises `AmfError` (the connection is then refused).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

NUMBER, BOOLEAN, STRING, OBJECT, NULL, UNDEFINED = 0x00, 0x01, 0x02, 0x03, 0x05, 0x06
ECMA_ARRAY, OBJECT_END, STRICT_ARRAY, DATE, LONG_STRING = 0x08, 0x09, 0x0A, 0x0B, 0x0C
MAX_DEPTH = 16
MAX_ITEMS = 4096

_DOUBLE = struct.Struct(">d")
_U16 = struct.Struct(">H")
_U32 = struct.Struct(">I")


class AmfError(ValueError):
    """The bytes are not well-formed AMF0 (or nest deeper than a command ever does)."""


def decode_all(data: bytes) -> list[Any]:
    """Every value of a command or data message, in order."""
    values: list[Any] = []
    position = 0
    while position < len(data):
        value, position = _decode(data, position, 0)
        values.append(value)
    return values


def encode(*values: Any) -> bytes:
    """Values as AMF0: None is null, dicts are objects, str/float/int/bool as themselves."""
    return b"".join(_encode(value) for value in values)


def _decode(data: bytes, position: int, depth: int) -> tuple[Any, int]:
    if depth > MAX_DEPTH:
        raise AmfError("AMF0 nested too deep")
    marker = _take(data, position, 1)[0]
    reader = _READERS.get(marker)
    if reader is None:
        raise AmfError(f"unsupported AMF0 marker 0x{marker:02x}")
    return reader(data, position + 1, depth)


def _number(data: bytes, position: int, depth: int) -> tuple[float, int]:
    return _DOUBLE.unpack(_take(data, position, 8))[0], position + 8


def _boolean(data: bytes, position: int, depth: int) -> tuple[bool, int]:
    return _take(data, position, 1)[0] != 0, position + 1


def _short_string(data: bytes, position: int, depth: int) -> tuple[str, int]:
    return _string(data, position, _U16)


def _long_string(data: bytes, position: int, depth: int) -> tuple[str, int]:
    return _string(data, position, _U32)


def _nothing(data: bytes, position: int, depth: int) -> tuple[None, int]:
    return None, position


def _object(data: bytes, position: int, depth: int) -> tuple[dict[str, Any], int]:
    return _properties(data, position, depth)


def _ecma_array(data: bytes, position: int, depth: int) -> tuple[dict[str, Any], int]:
    _take(data, position, 4)  # an approximate count; the properties end with OBJECT_END
    return _properties(data, position + 4, depth)


def _strict_array(data: bytes, position: int, depth: int) -> tuple[list[Any], int]:
    (count,) = _U32.unpack(_take(data, position, 4))
    if count > MAX_ITEMS:
        raise AmfError("AMF0 array too long")
    position += 4
    items = []
    for _ in range(count):
        item, position = _decode(data, position, depth + 1)
        items.append(item)
    return items, position


def _date(data: bytes, position: int, depth: int) -> tuple[float, int]:
    milliseconds = _DOUBLE.unpack(_take(data, position, 8))[0]
    _take(data, position + 8, 2)  # a time zone, which the format says to ignore
    return milliseconds, position + 10


_READERS: dict[int, Callable[[bytes, int, int], tuple[Any, int]]] = {
    NUMBER: _number,
    BOOLEAN: _boolean,
    STRING: _short_string,
    LONG_STRING: _long_string,
    NULL: _nothing,
    UNDEFINED: _nothing,
    OBJECT: _object,
    ECMA_ARRAY: _ecma_array,
    STRICT_ARRAY: _strict_array,
    DATE: _date,
}


def _properties(data: bytes, position: int, depth: int) -> tuple[dict[str, Any], int]:
    properties: dict[str, Any] = {}
    while True:
        (length,) = _U16.unpack(_take(data, position, 2))
        if length == 0 and _take(data, position + 2, 1)[0] == OBJECT_END:
            return properties, position + 3
        name, position = _string(data, position, _U16)
        if len(properties) >= MAX_ITEMS:
            raise AmfError("AMF0 object has too many properties")
        properties[name], position = _decode(data, position, depth + 1)


def _string(data: bytes, position: int, length_format: struct.Struct) -> tuple[str, int]:
    (length,) = length_format.unpack(_take(data, position, length_format.size))
    position += length_format.size
    raw = _take(data, position, length)
    try:
        return raw.decode("utf-8"), position + length
    except UnicodeDecodeError as exc:
        raise AmfError("AMF0 string is not UTF-8") from exc


def _take(data: bytes, position: int, size: int) -> bytes:
    if position + size > len(data):
        raise AmfError("AMF0 value cut short")
    return data[position : position + size]


def _encode(value: Any) -> bytes:
    if value is None:
        return bytes((NULL,))
    if isinstance(value, bool):
        return bytes((BOOLEAN, 1 if value else 0))
    if isinstance(value, int | float):
        return bytes((NUMBER,)) + _DOUBLE.pack(float(value))
    if isinstance(value, str):
        return _encode_string(value)
    if isinstance(value, dict):
        body = b"".join(_name(key) + _encode(item) for key, item in value.items())
        return bytes((OBJECT,)) + body + b"\x00\x00" + bytes((OBJECT_END,))
    if isinstance(value, list | tuple):
        return bytes((STRICT_ARRAY,)) + _U32.pack(len(value)) + b"".join(_encode(item) for item in value)
    raise TypeError(f"cannot encode {type(value).__name__} as AMF0")


def _encode_string(value: str) -> bytes:
    raw = value.encode("utf-8")
    if len(raw) > 0xFFFF:
        return bytes((LONG_STRING,)) + _U32.pack(len(raw)) + raw
    return bytes((STRING,)) + _U16.pack(len(raw)) + raw


def _name(key: str) -> bytes:
    raw = key.encode("utf-8")
    return _U16.pack(len(raw)) + raw
