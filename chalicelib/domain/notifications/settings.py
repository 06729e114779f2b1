"""A user's notification settings: PeerTube's bit fields per kind (1 web, 2 email), kept on the
user item (U5) and read with it, so `GET /users/me` and every notification decision cost no
extra read. A user who never changed them has PeerTube's defaults."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.domain.notifications.types import DEFAULT_SETTINGS, EMAIL, SETTING_NAMES, SETTING_OF, WEB
from chalicelib.errors import ValidationError
from chalicelib.store import users

if TYPE_CHECKING:
    from chalicelib.domain.notifications.types import NotificationType
    from chalicelib.store.models import User

VALID_VALUES = frozenset({0, WEB, EMAIL, WEB | EMAIL})


def settings_of(user: User) -> dict[str, int]:
    """Every setting, in PeerTube's order: the stored ones, PeerTube's defaults for the rest."""
    stored = _stored(user)
    return {name: int(stored.get(name, default)) for name, default in DEFAULT_SETTINGS.items()}


def wants_web(user: User, kind: NotificationType) -> bool:
    return bool(_setting(user, kind) & WEB)


def wants_email(user: User, kind: NotificationType) -> bool:
    return bool(_setting(user, kind) & EMAIL)


def _setting(user: User, kind: NotificationType) -> int:
    name = SETTING_OF.get(kind)
    return WEB | EMAIL if name is None else settings_of(user)[name]


def update(user: User, body: dict[str, Any]) -> None:
    """PUT /users/me/notification-settings: every field PeerTube's validator names, each
    0, 1, 2 or 3 (a JSON number; PeerTube compares with ===). Unknown fields are ignored."""
    invalid = {name: "Invalid value" for name in SETTING_NAMES if not _valid(body.get(name))}
    if invalid:
        raise ValidationError(invalid)
    user.notification_settings = {name: int(body[name]) for name in SETTING_NAMES}
    users.update_user(user, ["notification_settings"])


def _valid(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in VALID_VALUES


def _stored(user: User) -> dict[str, Any]:
    raw = user.notification_settings
    if raw is None:
        return {}
    values: dict[str, Any] = raw.as_dict() if hasattr(raw, "as_dict") else dict(raw)  # type: ignore[no-untyped-call]
    return {str(name): value for name, value in values.items() if isinstance(value, int | float)}
