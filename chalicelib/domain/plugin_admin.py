"""The administrator's view of the installed plugins (PeerTube's /api/v1/plugins): listing,
one plugin, its registered, stored and public settings, and saving new values checked by
their declared types. Plugins are installed at deploy time: installing, updating or removing
one through the API is refused, not pretended."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from chalicelib import plugins
from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.errors import ConflictError, ForbiddenError, NotFoundError, ServiceUnavailableError, ValidationError
from chalicelib.plugins import settings as plugin_settings
from chalicelib.store import plugins as plugin_store

if TYPE_CHECKING:
    from chalicelib.plugins.registry import LoadedPlugin
    from chalicelib.store.models import User

TYPE_PLUGIN = 1
TYPE_THEME = 2
SORTS = ("name",)
# PeerTube's isNpmPluginNameValid: its packages are named peertube-plugin-* or peertube-theme-*.
_NPM_NAME = re.compile(r"^peertube-(plugin|theme)-[a-z0-9][a-z0-9._~-]*$")
DEPLOY_TIME = (
    "Plugins are installed at deploy time on this instance (plugins.txt of the deployment); "
    "they cannot be installed, updated or uninstalled through the API"
)
# PeerTube's answer when its plugin index is unreachable, and why Cirrus has none.
INDEX_UNAVAILABLE = (
    "Plugin index unavailable. Plugins are installed at deploy time on this instance "
    "(plugins.txt of the deployment); there is no plugin index to browse"
)


def check_can_manage(user: User) -> None:
    if not has_right(Role(int(user.role)), Right.MANAGE_PLUGINS):
        raise ForbiddenError("User cannot manage plugins")


def listing(plugin_type: int | None, uninstalled: bool, sort: str) -> list[LoadedPlugin]:
    """Installed plugins (Cirrus has no themes, and keeps no uninstalled ones)."""
    if uninstalled or plugin_type == TYPE_THEME:
        return []
    found = sorted(plugins.loaded().values(), key=lambda plugin: plugin.name)
    return list(reversed(found)) if sort.startswith("-") else found


def find(npm_name: str) -> LoadedPlugin:
    if not _NPM_NAME.match(npm_name):
        raise ValidationError({"npmName": "Should have a valid npm name"}, location="params")
    kind, _, name = npm_name.removeprefix("peertube-").partition("-")
    plugin = plugins.loaded().get(name) if kind == "plugin" else None
    if plugin is None:
        raise NotFoundError("Plugin not found")
    return plugin


def stored_settings(plugin: LoadedPlugin) -> dict[str, Any]:
    """Every registered setting's value (the stored one, else its default), private ones too."""
    stored = plugin_store.settings(plugin.name)
    return {name: stored.get(name, setting.default) for name, setting in plugin.settings.items()}


def public_settings(plugin: LoadedPlugin) -> dict[str, Any]:
    values = stored_settings(plugin)
    return {name: values[name] for name, setting in plugin.settings.items() if not setting.private}


def registered_settings(plugin: LoadedPlugin) -> list[dict[str, Any]]:
    return [setting.shape() for setting in plugin.settings.values()]


def save_settings(plugin: LoadedPlugin, values: object) -> None:
    """The administrator's values, merged over the stored ones; each checked (400) first."""
    checked = plugin_settings.check(plugin.settings, values)
    plugin_store.save_settings(plugin.name, {**plugin_store.settings(plugin.name), **checked})


def refuse_installation() -> None:
    raise ConflictError(DEPLOY_TIME)


def refuse_index() -> None:
    raise ServiceUnavailableError(INDEX_UNAVAILABLE)
