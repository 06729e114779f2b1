"""Field checks shared by every inbound document: URLs, hosts, strings, dates."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000


class InvalidDocument(ValueError):
    """A remote document that Cirrus refuses to take in; the message names the field."""


def url(value: Any, field: str) -> str:
    """An http(s) URL with a host; whether http is acceptable is the fetcher's business."""
    if not isinstance(value, str) or not value or len(value) > MAX_URL_LENGTH:
        raise InvalidDocument(f"{field} is not a URL")
    try:
        parts = urlsplit(value)
    except ValueError:
        raise InvalidDocument(f"{field} is not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise InvalidDocument(f"{field} is not a URL")
    return value


def count(value: Any, field: str) -> int:
    """A non-negative integer (JSON booleans are not numbers here)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidDocument(f"{field} must be a non-negative integer")
    return value


def optional_url(value: Any, field: str) -> str | None:
    return None if value is None else url(value, field)


def host(value: str) -> str:
    return urlsplit(value).netloc.lower()


def same_host(reference: str, value: str | None, field: str) -> None:
    if value is not None and host(value) != host(reference):
        raise InvalidDocument(f"{field} is not on the host of {reference}")


def reference(value: Any, field: str) -> str:
    """An object given by id, either as a URL or as an object with an `id`."""
    if isinstance(value, dict):
        value = value.get("id")
    return url(value, field)


def text(value: Any, field: str, *, minimum: int = 0, maximum: int) -> str:
    if not isinstance(value, str) or not minimum <= len(value) <= maximum:
        raise InvalidDocument(f"{field} must be text of {minimum} to {maximum} characters")
    return value


def optional_text(value: Any, field: str, *, maximum: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidDocument(f"{field} must be text")
    return value[:maximum]


def date(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise InvalidDocument(f"{field} is not a date")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidDocument(f"{field} is not a date") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
