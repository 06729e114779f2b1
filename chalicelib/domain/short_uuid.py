"""PeerTube's short UUIDs: a UUID's 128-bit number in flickrBase58, 22 characters."""

from __future__ import annotations

import uuid

ALPHABET = "123456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 22
_INDEX = {character: position for position, character in enumerate(ALPHABET)}


def to_short(value: str) -> str:
    number = uuid.UUID(value).int
    digits = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(ALPHABET[remainder])
    return "".join(reversed(digits)).rjust(LENGTH, ALPHABET[0])


def from_short(short: str) -> str | None:
    """The UUID behind a short UUID, or None if it is not one."""
    if len(short) != LENGTH:
        return None
    number = 0
    for character in short:
        position = _INDEX.get(character)
        if position is None:
            return None
        number = number * 58 + position
    if number >= 1 << 128:
        return None
    return str(uuid.UUID(int=number))
