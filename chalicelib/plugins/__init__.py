"""Server plugins: Python packages that hook into PeerTube's named points.

A plugin is a distribution with an entry point in the `cirrus.plugins` group; the entry
point's name is the plugin's name and its object is `register(api)` (registry.RegisterApi).
Plugins are installed at deploy time (the layer built from plugins.txt, or the local venv);
CIRRUS_PLUGIN_PATH adds directories (os.pathsep-separated) whose dist-info are read the same
way, for the local stack and tests.

Discovery is lazy: nothing is looked up until the first hook runs, then it is cached for the
process. With no plugin installed, a hook call costs one dictionary lookup. Callers (domain,
api, the event subscribers) use `run_filter`, `run_action` and `has_hooks`; this package
imports no api module and no domain module.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

from chalicelib import caches
from chalicelib.observability import count, logger

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from chalicelib.plugins.client import ClientFile
    from chalicelib.plugins.registry import LoadedPlugin
    from chalicelib.plugins.router import PluginRequest
    from chalicelib.plugins.runner import Hook
    from chalicelib.plugins.transcoding import EncoderOptions

GROUP = "cirrus.plugins"
PATH_VARIABLE = "CIRRUS_PLUGIN_PATH"
REGISTER_FAILURES_METRIC = "PluginRegisterFailures"


class _Found:
    """What this process found: None until the first hook asks."""

    plugins: dict[str, LoadedPlugin] | None = None
    registering: dict[str, LoadedPlugin] = {}  # noqa: RUF012 - while _discover registers them
    hooks: dict[str, list[Hook]] = {}  # noqa: RUF012 - replaced whole, never mutated
    tables: dict[str, dict[str, str]] = {}  # noqa: RUF012 - the video constants plugins changed


def loaded() -> dict[str, LoadedPlugin]:
    """Every plugin found, by name (registered once per process)."""
    if _Found.plugins is None:
        found = _discover()
        _Found.hooks = _index(found)
        _Found.plugins = found
    return _Found.plugins


def altered(kind: str, table: dict[str, str]) -> dict[str, str]:
    """PeerTube's table of video `kind` (category, licence, language, privacy) with what the
    plugins' constant managers changed; `table` itself when no plugin changed it."""
    loaded()
    if kind not in _Found.tables:
        _Found.tables[kind] = _altered(kind, table, None)
    return _Found.tables[kind] or table


def _altered(kind: str, table: dict[str, str], skip: str | None) -> dict[str, str]:
    """{} when no plugin (other than `skip`) changed the table."""
    from chalicelib.plugins.constants import apply

    changed: dict[str, str] = {}
    found = _Found.plugins if _Found.plugins is not None else _Found.registering
    for plugin in found.values():
        changes = plugin.constants.get(kind)
        if plugin.error is None and plugin.name != skip and changes:
            changed = apply(changed or table, changes)
    return changed


def has_hooks(name: str) -> bool:
    loaded()
    return bool(_Found.hooks.get(name))


def run_filter(name: str, result: Any, **params: Any) -> Any:
    """`result` passed through every handler of the filter `name`, highest priority first."""
    loaded()
    hooks = _Found.hooks.get(name)
    if not hooks:
        return result
    from chalicelib.plugins import runner

    return runner.run_filter(hooks, result, params, runner.HOOK_BUDGET_SECONDS)


def run_action(name: str, **params: Any) -> None:
    """Tell every handler of the action `name` (after the change it names is stored)."""
    loaded()
    hooks = _Found.hooks.get(name)
    if not hooks:
        return
    from chalicelib.plugins import runner

    runner.run_action(hooks, params, runner.HOOK_BUDGET_SECONDS)


def accepted(
    name: str, *, default: bool = True, default_message: str | None = None, key: str = "allowed", **params: Any
) -> tuple[bool, str | None]:
    """An accept filter (`filter:…accept.result`, `…allowed.result`): PeerTube's
    `{allowed, errorMessage}` (`{accepted, errorMessage}` for comments, `key`), Cirrus's own
    verdict first, after every handler."""
    if not has_hooks(name):
        return default, default_message
    verdict = run_filter(name, {key: default, "errorMessage": default_message}, **params)
    allowed = verdict.get(key) is True  # as PeerTube: a verdict that does not say yes refuses
    message = verdict.get("errorMessage")
    return allowed, message if isinstance(message, str) else None


def route(plugin_name: str, version: str | None, request: PluginRequest) -> tuple[int, Any]:
    """A plugin route's answer as (status, JSON value); 404 for an unknown plugin, version
    or path, 500 when its handler fails (logged and counted as a hook failure)."""
    from chalicelib.plugins import runner

    plugin = loaded().get(plugin_name)
    if plugin is None or plugin.router is None or (version is not None and version != plugin.version):
        return 404, None
    handler = plugin.router.find(request.method, request.path)
    if handler is None:
        return 404, None
    hook = runner.Hook(plugin.name, f"router {request.method} {request.path}", handler, 0, 0)
    ok, value = runner.call(hook, (request,), runner.HOOK_BUDGET_SECONDS)
    if not ok:
        return 500, None
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], int):
        return value[0], value[1]
    return 200, value


def registered_for_clients() -> list[dict[str, Any]]:
    """ServerConfig's `plugin.registered`: each plugin that registered, with its client
    scripts by path (`{script, scopes}`), as PeerTube lists them for its web client."""
    return [
        {
            "npmName": plugin.npm_name,
            "name": plugin.name,
            "version": plugin.version,
            "description": plugin.description,
            "clientScripts": {
                path: {"script": path, "scopes": list(script.scopes)} for path, script in plugin.client_scripts.items()
            },
        }
        for plugin in loaded().values()
        if plugin.error is None
    ]


def client_script(plugin_name: str, version: str, path: str) -> ClientFile | None:
    """A script the plugin declared, at this version: anything else is None (404)."""
    plugin = loaded().get(plugin_name)
    if plugin is None or plugin.error is not None or plugin.version != version:
        return None
    return plugin.client_scripts.get(path)


def global_css() -> str:
    """/plugins/global.css: every registered plugin's stylesheets, one after the other."""
    sheets = [sheet.read() for plugin in loaded().values() if plugin.error is None for sheet in plugin.css.values()]
    return "\n".join(sheets)


def available_vod_profiles() -> list[str]:
    """ServerConfig's `transcoding.availableProfiles`: Cirrus's default, then the plugins'."""
    from chalicelib.plugins.transcoding import DEFAULT_PROFILE

    names = {profile for plugin in _registered() for _, profile in plugin.profiles.builders}
    return [DEFAULT_PROFILE, *sorted(names)]


def vod_encoder_options(profile: str, **params: Any) -> EncoderOptions | None:
    """The encoder and its options for one rendition in a plugin's `profile`, from the
    encoders by priority (PeerTube's: libx264 100, then what plugins set); None for the
    default profile, or when no builder answers usably (logged and counted)."""
    from chalicelib.plugins import runner
    from chalicelib.plugins.transcoding import DEFAULT_PRIORITY, DEFAULT_VIDEO_ENCODER, checked_options

    priorities = {DEFAULT_VIDEO_ENCODER: DEFAULT_PRIORITY}
    builders = {}
    for plugin in _registered():
        priorities.update(plugin.profiles.priorities)
        for (encoder, name), builder in plugin.profiles.builders.items():
            if name == profile:
                builders[encoder] = runner.Hook(plugin.name, f"transcoding profile {name} ({encoder})", builder, 0, 0)
    for encoder in sorted(builders, key=lambda name: -priorities.get(name, -1)):
        if encoder not in priorities:
            continue  # PeerTube tries the encoders it was given a priority for
        ok, answer = runner.call(builders[encoder], (params,), runner.HOOK_BUDGET_SECONDS)
        options = checked_options(encoder, answer) if ok else None
        if options is not None:
            return options
        if ok:
            runner.failed(builders[encoder], "answered something else than {outputOptions, inputOptions}")
    return None


def _registered() -> list[LoadedPlugin]:
    return [plugin for plugin in loaded().values() if plugin.error is None]


@caches.register
def reset() -> None:
    """Forget what was found (tests, after changing CIRRUS_PLUGIN_PATH)."""
    _Found.plugins = None
    _Found.hooks = {}
    _Found.tables = {}
    _Found.registering = {}


def _discover() -> dict[str, LoadedPlugin]:
    from importlib import metadata

    for directory in filter(None, os.environ.get(PATH_VARIABLE, "").split(os.pathsep)):
        if directory not in sys.path:
            sys.path.append(directory)
    points = metadata.entry_points(group=GROUP)
    if not points:
        return {}
    from chalicelib.plugins.client import package_root
    from chalicelib.plugins.registry import LoadedPlugin, RegisterApi

    plugins: dict[str, LoadedPlugin] = {}
    _Found.registering = plugins  # what the constant managers see of the plugins before
    for point in sorted(points, key=lambda point: point.name):
        dist = point.dist
        meta = dist.metadata if dist is not None else None
        plugin = LoadedPlugin(
            name=point.name,
            version=dist.version if dist is not None else "0.0.0",
            description=(meta["Summary"] or "") if meta is not None else "",
            homepage=(meta["Home-page"] or "") if meta is not None else "",
        )
        try:
            register = point.load()
            plugin.installed_at = _written_at(register)
            plugin.root = package_root(register)
            register(RegisterApi(plugin, _tables_before(plugin.name)))
        except Exception as error:
            logger.exception("plugin failed to register", extra={"plugin": point.name})
            count(REGISTER_FAILURES_METRIC)
            plugin.hooks.clear()
            plugin.client_scripts.clear()
            plugin.css.clear()
            plugin.constants.clear()
            plugin.profiles.builders.clear()
            plugin.error = repr(error)
        plugins[plugin.name] = plugin
    logger.info("plugins registered", extra={"plugins": sorted(plugins)})
    return plugins


def _tables_before(name: str) -> Callable[[str], dict[str, str]]:
    """What plugin `name`'s constant managers see: PeerTube's tables with the others' changes."""
    from chalicelib.plugins.constants import base

    def table(kind: str) -> dict[str, str]:
        return _altered(kind, base(kind), name) or base(kind)

    return table


def _written_at(register: Any) -> datetime | None:
    """When the plugin's code reached the disk: the deployment's build, PeerTube's createdAt."""
    import inspect
    from datetime import UTC, datetime
    from pathlib import Path

    try:
        return datetime.fromtimestamp(Path(inspect.getfile(register)).stat().st_mtime, UTC)
    except (TypeError, OSError):
        return None


def _index(plugins: dict[str, LoadedPlugin]) -> dict[str, list[Hook]]:
    from chalicelib.plugins.runner import ordered

    by_name: dict[str, list[Hook]] = {}
    for plugin in plugins.values():
        for hook in plugin.hooks:
            by_name.setdefault(hook.name, []).append(hook)
    return {name: ordered(hooks) for name, hooks in by_name.items()}
