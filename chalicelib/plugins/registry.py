"""What each plugin registered: the `api` object its `register(api)` receives, and the
loaded plugins' hooks and settings, as the runner and the admin API read them."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from chalicelib.observability import count, logger
from chalicelib.plugins import client, constants, hook_names, transcoding
from chalicelib.plugins.router import Router
from chalicelib.plugins.runner import Hook
from chalicelib.plugins.settings import Setting, declare
from chalicelib.store import plugins as plugin_store

UNKNOWN_HOOKS_METRIC = "PluginUnknownHooks"
_ORDER = itertools.count()


@dataclass
class LoadedPlugin:
    """One plugin as it was found and registered (PeerTube's PeerTubePlugin row, in memory)."""

    name: str
    version: str
    description: str = ""
    homepage: str = ""
    settings: dict[str, Setting] = field(default_factory=dict)
    hooks: list[Hook] = field(default_factory=list)
    error: str | None = None  # why its register() failed, if it did
    installed_at: datetime | None = None  # when its code was written to disk (deployed)
    router: Router | None = None  # made by its first get_router()
    root: Path | None = None  # its package directory, where its client files are
    client_scripts: dict[str, client.ClientFile] = field(default_factory=dict)  # by declared path
    css: dict[str, client.ClientFile] = field(default_factory=dict)
    # What its video constant managers changed, by table (`category`, `licence`, ...).
    constants: dict[str, constants.Changes] = field(default_factory=dict)
    profiles: transcoding.Profiles = field(default_factory=transcoding.Profiles)  # its VOD profiles

    @property
    def npm_name(self) -> str:
        return f"peertube-plugin-{self.name}"


class Storage:
    """PeerTube's storageManager: JSON values by key, in the plugin's own partition."""

    def __init__(self, plugin: str) -> None:
        self._plugin = plugin

    def get_data(self, key: str) -> Any:
        return plugin_store.get_value(self._plugin, key)

    def store_data(self, key: str, value: Any) -> None:
        plugin_store.store_value(self._plugin, key, value)


class SettingsManager:
    """PeerTube's settingsManager: the administrator's values, else each setting's default."""

    def __init__(self, plugin: LoadedPlugin) -> None:
        self._plugin = plugin

    def get_settings(self, names: list[str] | None = None) -> dict[str, Any]:
        stored = plugin_store.settings(self._plugin.name)
        wanted = names if names is not None else list(self._plugin.settings)
        return {name: _value_or_default(self._plugin, stored, name) for name in wanted}

    def get_setting(self, name: str) -> Any:
        return self.get_settings([name])[name]


def _value_or_default(plugin: LoadedPlugin, stored: dict[str, Any], name: str) -> Any:
    if stored.get(name) is not None:
        return stored[name]
    setting = plugin.settings.get(name)
    return setting.default if setting else None


class RegisterApi:
    """The object a plugin's `register(api)` receives."""

    def __init__(self, plugin: LoadedPlugin, tables: Callable[[str], dict[str, str]] | None = None) -> None:
        self._plugin = plugin
        self.storage = Storage(plugin.name)
        self.settings_manager = SettingsManager(plugin)
        self.video_category_manager = self._constant_manager("category", tables)
        self.video_licence_manager = self._constant_manager("licence", tables)
        self.video_language_manager = self._constant_manager("language", tables)
        self.video_privacy_manager = self._constant_manager("privacy", tables)
        self.transcoding_manager = transcoding.TranscodingManager(plugin.profiles)

    def _constant_manager(self, kind: str, tables: Callable[[str], dict[str, str]] | None) -> constants.ConstantManager:
        changes = self._plugin.constants.setdefault(kind, constants.Changes())
        others = (lambda: tables(kind)) if tables is not None else None
        return constants.ConstantManager(self._plugin.name, kind, changes, others)

    def register_hook(self, name: str, handler: Callable[..., Any], priority: int = 0) -> None:
        if name not in hook_names.SERVER_HOOKS:
            logger.warning("plugin registered an unknown hook", extra={"plugin": self._plugin.name, "hook": name})
            count(UNKNOWN_HOOKS_METRIC)
            return
        if not callable(handler):
            raise TypeError(f"hook {name}: the handler is not callable")
        self._plugin.hooks.append(Hook(self._plugin.name, name, handler, int(priority), next(_ORDER)))

    def get_router(self) -> Router:
        """The plugin's routes, answered under /plugins/{name}/router/."""
        if self._plugin.router is None:
            self._plugin.router = Router()
        return self._plugin.router

    def register_setting(self, name: str, **options: Any) -> None:
        self._plugin.settings[name] = declare(name, **options)

    def register_client_script(self, script: str, scopes: list[str]) -> None:
        """An ES module of the package (PeerTube's `clientScripts` entry), loaded by the web
        client in these scopes (`common`, `video-watch`, ...)."""
        found = client.script(self._plugin.root, self._plugin.name, script, scopes)
        self._plugin.client_scripts[found.path] = found

    def register_css(self, path: str) -> None:
        """A stylesheet of the package, part of /plugins/global.css (PeerTube's `css`)."""
        found = client.css(self._plugin.root, self._plugin.name, path)
        self._plugin.css[found.path] = found
