"""Bencoding (BitTorrent's BEP 3 serialisation), both ways. Pure: no I/O.

Written here rather than taken from a package: the format is four types in some sixty
lines, the torrents Cirrus writes need only these, and the Lambda layer stays as it is.
Encoding is canonical (dictionary keys sorted by their raw bytes), so a decoded document
encodes back to the same bytes, and an info hash computed from either is the same.
Decoding is strict (no leading zeros, no negative zero, keys in order, nothing after the
value) and bounded in depth, since it may read a document it did not write.
"""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 32

Value = int | bytes | str | list[Any] | dict[Any, Any]


class BencodeError(ValueError):
    """Not a well-formed bencoded document."""


def encode(value: Value) -> bytes:
    """`value` bencoded: ints, bytes (or str, as UTF-8), lists and dicts with bytes or str keys."""
    out: list[bytes] = []
    _encode(value, out)
    return b"".join(out)


def decode(data: bytes) -> Any:
    """The value `data` holds: byte strings stay bytes (dictionary keys too)."""
    value, end = _decode(data, 0, 0)
    if end != len(data):
        raise BencodeError(f"trailing data at byte {end}")
    return value


def _encode(value: Any, out: list[bytes]) -> None:
    if isinstance(value, bool):
        raise TypeError("booleans have no bencoding")
    if isinstance(value, int):
        out.append(b"i%de" % value)
    elif isinstance(value, (bytes, str)):
        raw = value.encode("utf-8") if isinstance(value, str) else value
        out.append(b"%d:" % len(raw))
        out.append(raw)
    elif isinstance(value, list):
        out.append(b"l")
        for item in value:
            _encode(item, out)
        out.append(b"e")
    elif isinstance(value, dict):
        out.append(b"d")
        keyed = {(k.encode("utf-8") if isinstance(k, str) else k): v for k, v in value.items()}
        for key in sorted(keyed):
            _encode(key, out)
            _encode(keyed[key], out)
        out.append(b"e")
    else:
        raise TypeError(f"cannot bencode {type(value).__name__}")


def _decode(data: bytes, at: int, depth: int) -> tuple[Any, int]:
    if depth > MAX_DEPTH:
        raise BencodeError("nested too deeply")
    if at >= len(data):
        raise BencodeError("unexpected end")
    lead = data[at : at + 1]
    if lead == b"i":
        end = data.find(b"e", at)
        digits = data[at + 1 : end] if end > 0 else b""
        if not _is_integer(digits):
            raise BencodeError(f"bad integer at byte {at}")
        return int(digits), end + 1
    if lead.isdigit():
        colon = data.find(b":", at)
        digits = data[at:colon] if colon > 0 else b""
        if not digits.isdigit() or (len(digits) > 1 and digits[0:1] == b"0"):
            raise BencodeError(f"bad string length at byte {at}")
        start = colon + 1
        end = start + int(digits)
        if end > len(data):
            raise BencodeError(f"string past the end at byte {at}")
        return data[start:end], end
    if lead == b"l":
        items, at = [], at + 1
        while data[at : at + 1] != b"e":
            item, at = _decode(data, at, depth + 1)
            items.append(item)
        return items, at + 1
    if lead == b"d":
        result: dict[bytes, Any] = {}
        previous: bytes | None = None
        at += 1
        while data[at : at + 1] != b"e":
            key, at = _decode(data, at, depth + 1)
            if not isinstance(key, bytes) or (previous is not None and key <= previous):
                raise BencodeError(f"dictionary keys out of order or not strings at byte {at}")
            result[key], at = _decode(data, at, depth + 1)
            previous = key
        return result, at + 1
    raise BencodeError(f"unexpected {lead!r} at byte {at}")


def _is_integer(digits: bytes) -> bool:
    body = digits[1:] if digits.startswith(b"-") else digits
    if not body.isdigit():
        return False
    if len(body) > 1 and body.startswith(b"0"):
        return False
    return digits != b"-0"
