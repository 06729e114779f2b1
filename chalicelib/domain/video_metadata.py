"""A video's editable metadata as clients send it, to an upload or an update: JSON values or
multipart strings, checked with PeerTube's rules and messages (getCommonVideoEditAttributes).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain import reference_data

if TYPE_CHECKING:
    from chalicelib.domain.validation import Checks

NAME_MESSAGE = "Should have a video name between 3 and 120 characters long"
TAGS_MESSAGE = "Should have an array of up to 5 tags between 2 and 30 characters each"
BOOLEAN_MESSAGES = {
    "nsfw": "Should have a valid nsfw boolean",
    "waitTranscoding": "Should have a valid waitTranscoding boolean",
    "downloadEnabled": "Should have downloadEnabled boolean",
}


def read_metadata(fields: dict[str, Any], checks: Checks) -> dict[str, Any]:
    """The metadata fields present in `fields`, by their API names, with None for an explicit
    null; an invalid field is reported to `checks` and left out."""
    found: dict[str, Any] = {}
    for field, read in _readers().items():
        if field in fields:
            try:
                found[field] = read(fields[field])
            except _Invalid as invalid:
                checks.add(field, invalid.message)
    return found


class _Invalid(Exception):
    def __init__(self, message: str = "Invalid value") -> None:
        super().__init__(message)
        self.message = message


Reader = Callable[[Any], Any]


def _readers() -> dict[str, Reader]:
    return {
        "name": _name,
        "category": _choice({int(k) for k in reference_data.video_categories()}),
        "licence": _choice({int(k) for k in reference_data.video_licences()}),
        "privacy": _choice({int(k) for k in reference_data.video_privacies()}),
        "commentsPolicy": _choice(range(1, 4)),
        "language": _language,
        "description": _text(3, 10000, "Should have a valid description"),
        "support": _text(3, 1000, "Should have a valid support"),
        "tags": _tags,
        **{field: _flag(message) for field, message in BOOLEAN_MESSAGES.items()},
        "originallyPublishedAt": _date,
    }


def parse_int(value: Any) -> int | None:
    """An integer from JSON or from a form string; None for anything else."""
    value = _null(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    return None


def _language(raw: Any) -> str | None:
    """PeerTube's isVideoLanguageValid: a code of its table (with the plugins' changes)."""
    if _null(raw) is None:
        return None
    if not isinstance(raw, str) or raw not in reference_data.video_languages():
        raise _Invalid
    return raw


def _name(raw: Any) -> str:
    name = raw.strip() if isinstance(raw, str) else raw
    if not isinstance(name, str) or not 3 <= len(name) <= 120:
        raise _Invalid(NAME_MESSAGE)
    return name


def _choice(allowed: Any) -> Reader:
    def read(raw: Any) -> int | None:
        if _null(raw) is None:
            return None
        value = parse_int(raw)
        if value is None or value not in allowed:
            raise _Invalid
        return value

    return read


def _text(low: int, high: int, message: str) -> Reader:
    def read(raw: Any) -> str | None:
        value = _null(raw)
        if value is not None and not (isinstance(value, str) and low <= len(value) <= high):
            raise _Invalid(message)
        return value

    return read


def _tags(raw: Any) -> list[str]:
    tags = _null(raw)
    if isinstance(tags, str):
        tags = [tags]
    if tags is None:
        return []
    if isinstance(tags, list) and len(tags) <= 5 and all(isinstance(t, str) and 2 <= len(t) <= 30 for t in tags):
        return sorted(set(tags))
    raise _Invalid(TAGS_MESSAGE)


def _flag(message: str) -> Reader:
    def read(raw: Any) -> bool | None:
        value = _null(raw)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "1", "false", "0"):
            return value.lower() in ("true", "1")
        raise _Invalid(message)

    return read


def _date(raw: Any) -> datetime | None:
    value = _null(raw)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _Invalid
    return moment


def _null(value: Any) -> Any:
    return None if value in (None, "null", "") else value
