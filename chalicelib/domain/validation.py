"""PeerTube's field rules (CONSTRAINTS_FIELDS and custom validators), as pure functions.

Each `check_*` returns None when the value is acceptable and the reason otherwise; a
`Checks` collects the reasons of a whole request so the client learns every invalid field
at once, as PeerTube's `invalid-params` does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from chalicelib.errors import ValidationError

ACTOR_NAME = re.compile(r"^[a-z0-9_]+([a-z0-9_.-]+[a-z0-9_]+)?$")
# A deliberately plain address check, like express-validator's isEmail in spirit: one @, a
# dotted domain, no spaces. Deliverability is the mail server's business.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NAME_LENGTH = (1, 50)
PASSWORD_LENGTH = (8, 50)
PASSWORD_MAX_BYTES = 72
DISPLAY_NAME_LENGTH = (1, 120)
DESCRIPTION_LENGTH = (3, 1000)
BLOCK_REASON_LENGTH = (3, 250)
EMAIL_MAX_LENGTH = 400
NSFW_POLICIES = ("do_not_list", "warn", "blur", "display")

Check = Callable[[Any], str | None]


def check_username(value: Any) -> str | None:
    if not isinstance(value, str) or not _length_ok(value, NAME_LENGTH) or not ACTOR_NAME.match(value):
        return "Should have a valid username (lowercase alphanumeric characters)"
    return None


def check_channel_name(value: Any) -> str | None:
    if not isinstance(value, str) or not _length_ok(value, NAME_LENGTH) or not ACTOR_NAME.match(value):
        return "Should have a valid channel name (lowercase alphanumeric characters)"
    return None


def check_password(value: Any) -> str | None:
    if not isinstance(value, str):
        return "Should have a password"
    low, high = PASSWORD_LENGTH
    if len(value) < low:
        return f"Should have a password of at least {low} characters"
    if len(value) > high or len(value.encode("utf-8")) > PASSWORD_MAX_BYTES:
        return f"Should have a password of at most {high} characters ({PASSWORD_MAX_BYTES} bytes)"
    return None


def check_email(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) > EMAIL_MAX_LENGTH or not EMAIL.match(value):
        return "Should have a valid email"
    return None


def check_display_name(value: Any) -> str | None:
    if not isinstance(value, str) or not _length_ok(value, DISPLAY_NAME_LENGTH):
        return f"Should have a display name between {DISPLAY_NAME_LENGTH[0]} and {DISPLAY_NAME_LENGTH[1]} characters"
    return None


def check_optional_text(bounds: tuple[int, int]) -> Check:
    def check(value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not _length_ok(value, bounds):
            return f"Should be null or between {bounds[0]} and {bounds[1]} characters"
        return None

    return check


check_description = check_optional_text(DESCRIPTION_LENGTH)
check_block_reason = check_optional_text(BLOCK_REASON_LENGTH)


def check_quota(value: Any) -> str | None:
    if isinstance(value, bool) or not _is_integer(value) or int(value) < -1:
        return "Should be -1 (unlimited) or a number of bytes"
    return None


def check_role(value: Any) -> str | None:
    if isinstance(value, bool) or not _is_integer(value) or int(value) not in (0, 1, 2):
        return "Should have a valid role (0, 1 or 2)"
    return None


def check_boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "Should be a boolean"


def check_nsfw_policy(value: Any) -> str | None:
    return None if value in NSFW_POLICIES else f"Should be one of {', '.join(NSFW_POLICIES)}"


def check_integer(value: Any) -> str | None:
    return None if not isinstance(value, bool) and _is_integer(value) else "Should be an integer"


class Checks:
    """Collects the reasons a request's fields are refused; `raise_if_any` raises them all."""

    def __init__(self) -> None:
        self.invalid: dict[str, str] = {}

    def require(self, body: dict[str, Any], field: str, check: Check) -> None:
        self._run(field, body.get(field), check)

    def optional(self, body: dict[str, Any], field: str, check: Check) -> None:
        if field in body:
            self._run(field, body[field], check)

    def add(self, field: str, reason: str) -> None:
        self.invalid.setdefault(field, reason)

    def raise_if_any(self) -> None:
        if self.invalid:
            raise ValidationError(self.invalid)

    def _run(self, field: str, value: Any, check: Check) -> None:
        reason = check(value)
        if reason is not None:
            self.add(field, reason)


def _length_ok(value: str, bounds: tuple[int, int]) -> bool:
    return bounds[0] <= len(value) <= bounds[1]


def _is_integer(value: Any) -> bool:
    if isinstance(value, int):
        return True
    if isinstance(value, str):
        return re.fullmatch(r"-?\d+", value) is not None
    return False
