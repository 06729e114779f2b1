"""Registered settings: PeerTube's setting types (register-server-setting.model.ts), and the
check of an administrator's values against what each setting declared."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib.errors import ValidationError

TEXT_TYPES = frozenset({"input", "input-password", "input-textarea", "markdown-text", "markdown-enhanced"})
CHECKBOX = "input-checkbox"
SELECT = "select"
HTML = "html"  # shown on the settings page, holds no value
SETTING_TYPES = TEXT_TYPES | {CHECKBOX, SELECT, HTML}
MAX_TEXT = 100_000


@dataclass(frozen=True)
class Setting:
    name: str
    label: str
    type: str
    default: Any = None
    private: bool = True
    description: str | None = None
    html: str | None = None
    options: tuple[tuple[str, str], ...] = ()  # (value, label) of a select

    def shape(self) -> dict[str, Any]:
        """PeerTube's RegisterServerSettingOptions, as registered-settings lists it."""
        shape: dict[str, Any] = {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "default": self.default,
            "private": self.private,
            "descriptionHTML": self.description,
        }
        if self.html is not None:
            shape["html"] = self.html
        if self.type == SELECT:
            shape["options"] = [{"value": value, "label": label} for value, label in self.options]
        return shape


def declare(
    name: str,
    *,
    label: str | None = None,
    type: str = "input",
    default: Any = None,
    private: bool = True,
    description: str | None = None,
    html: str | None = None,
    options: list[dict[str, str]] | None = None,
) -> Setting:
    """A setting as a plugin registers it; a type PeerTube does not know is the plugin's bug."""
    if not isinstance(name, str) or not name:
        raise ValueError("a setting needs a name")
    if type not in SETTING_TYPES:
        raise ValueError(f"setting {name!r}: unknown type {type!r} (one of {sorted(SETTING_TYPES)})")
    choices = tuple((str(option["value"]), str(option.get("label", option["value"]))) for option in options or ())
    return Setting(name, label or name, type, default, private, description, html, choices)


def check(declared: dict[str, Setting], values: object) -> dict[str, Any]:
    """The administrator's new values, each checked against its declared type (400 otherwise)."""
    if not isinstance(values, dict):
        raise ValidationError({"settings": "Should be an object"})
    checked: dict[str, Any] = {}
    for name, value in values.items():
        setting = declared.get(name)
        if setting is None or setting.type == HTML:
            raise ValidationError({f"settings.{name}": "Is not a registered setting of this plugin"})
        checked[name] = _checked(setting, value)
    return checked


def _checked(setting: Setting, value: object) -> Any:
    field = f"settings.{setting.name}"
    if value is None:
        return None
    if setting.type == CHECKBOX:
        # PeerTube's settings form sends checkboxes as booleans, older clients as strings.
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
        raise ValidationError({field: "Should be a boolean"})
    if not isinstance(value, str):
        raise ValidationError({field: "Should be a string"})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: f"Should be at most {MAX_TEXT} characters"})
    if setting.type == SELECT and value not in {option for option, _ in setting.options}:
        raise ValidationError({field: "Should be one of the declared options"})
    return value
