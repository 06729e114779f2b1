"""A plugin's partition, PLUGIN#<name>: its settings in one item (read whole by one GetItem,
as the admin page and a hook's settings read need them all), and its storage, one item per
key (PeerTube's storageManager: JSON values by key)."""

from __future__ import annotations

from typing import Any

from chalicelib.store.models import PluginValue

SETTINGS_SK = "SETTINGS"
_KEY_PREFIX = "KEY#"


def _pk(plugin: str) -> str:
    return f"PLUGIN#{plugin}"


def settings(plugin: str) -> dict[str, Any]:
    """The stored settings of a plugin (empty until an administrator saves them)."""
    try:
        item = PluginValue.get(_pk(plugin), SETTINGS_SK)
    except PluginValue.DoesNotExist:
        return {}
    value = item.value
    return dict(value) if isinstance(value, dict) else {}


def save_settings(plugin: str, values: dict[str, Any]) -> None:
    PluginValue(_pk(plugin), SETTINGS_SK, value=values).save()


def get_value(plugin: str, key: str) -> Any:
    """The value stored under `key`, or None."""
    try:
        return PluginValue.get(_pk(plugin), _KEY_PREFIX + key).value
    except PluginValue.DoesNotExist:
        return None


def store_value(plugin: str, key: str, value: Any) -> None:
    PluginValue(_pk(plugin), _KEY_PREFIX + key, value=value).save()
