"""Reading playlist bodies the way PeerTube's validators do (JSON or multipart strings).

PeerTube converts before it checks: `privacy` goes through parseInt (so "2abc" is 2),
`videoChannelId` too but is never checked (a value that is not a number means "no
channel"), and the string "null" means null in multipart bodies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.validation import Checks

NAME_LENGTH = (1, 120)
DESCRIPTION_LENGTH = (3, 1000)
PRIVACIES = {1: "Public", 2: "Unlisted", 3: "Private"}
TYPES = {1: "Regular", 2: "Watch later"}
INVALID = "Invalid value"
JS_INT = re.compile(r"^\s*([+-]?\d+)")
VARIATION_SELECTORS = re.compile("[\ufe0e\ufe0f]")


class Absent:
    """A field the body does not have (as opposed to null)."""


class NotANumber:
    """A field parseInt turned into NaN: present, but neither null nor a number."""


ABSENT = Absent()
NAN = NotANumber()
ChannelField = int | None | Absent | NotANumber


@dataclass(frozen=True)
class PlaylistForm:
    display_name: str | None  # None: unchanged (update only)
    description: str | Absent | None
    privacy: int | None  # None: not given
    channel: ChannelField


def read_playlist_form(fields: dict[str, Any], *, creating: bool) -> PlaylistForm:
    checks = Checks()
    if creating or "displayName" in fields:
        reason = text_reason(fields.get("displayName"), NAME_LENGTH)
        if reason:
            checks.add("displayName", reason)
    description: str | Absent | None = ABSENT
    if "description" in fields:
        raw = fields["description"]
        description = None if raw is None or raw == "null" else raw
        if description is not None:
            reason = text_reason(description, DESCRIPTION_LENGTH)
            if reason:
                checks.add("description", reason)
    privacy = None
    if "privacy" in fields:
        privacy = js_int(fields["privacy"])
        if privacy not in PRIVACIES:
            checks.add("privacy", INVALID)
    channel: ChannelField = ABSENT
    if "videoChannelId" in fields:
        raw_channel = fields["videoChannelId"]
        channel = None if raw_channel is None or raw_channel == "null" else (js_int(raw_channel) or NAN)
        if channel == 0:
            channel = NAN
    checks.raise_if_any()
    name = fields.get("displayName")
    return PlaylistForm(
        display_name=str(name) if isinstance(name, str) else None,
        description=description,
        privacy=privacy,
        channel=channel,
    )


def text_reason(value: Any, bounds: tuple[int, int]) -> str | None:
    """validator.isLength behind an `exists` check: absent or null fail with "Invalid
    value", other non-strings with the text of the exception the validator throws."""
    if value is None:
        return INVALID
    if not isinstance(value, str):
        return f"Expected a string but received a {js_type_name(value)}"
    length = len(VARIATION_SELECTORS.sub("", value))
    return None if bounds[0] <= length <= bounds[1] else INVALID


def js_type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, (int, float)):
        return "Number"
    if isinstance(value, list):
        return "Array"
    return "Object"


def js_int(value: Any) -> int | None:
    """JavaScript's parseInt of String(value): None for NaN."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).lower() if isinstance(value, bool) else str(value)
    found = JS_INT.match(text)
    return int(found.group(1)) if found else None


def timestamp_reason(value: Any) -> str | None:
    """null, or an integer >= 0 (numbers or strings of digits, as isInt on String(value))."""
    if value is None:
        return None
    if isinstance(value, (bool, dict, list)):
        return INVALID
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return None if re.fullmatch(r"\+?\d+", str(value)) else INVALID


def position_reason(value: Any, minimum: int) -> str | None:
    """express-validator's isInt({min}) on String(value)."""
    if value is None or isinstance(value, (bool, dict, list)):
        return INVALID
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if not re.fullmatch(r"[+-]?\d+", text):
        return INVALID
    return None if int(text) >= minimum else INVALID
