"""PeerTube's plugin administration, /api/v1/plugins: the installed plugins and their
settings (domain/plugin_admin.py). Install, update and uninstall answer 409: plugins come
with the deployment."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, pagination
from chalicelib.api.responses import no_content
from chalicelib.api.shapes import iso
from chalicelib.domain import plugin_admin
from chalicelib.errors import ValidationError

if TYPE_CHECKING:
    from chalice.app import Response

    from chalicelib.plugins.registry import LoadedPlugin

plugins_api = ApiBlueprint(__name__)
PEERTUBE_ENGINE = ">=6.0.0"


@plugins_api.route("/api/v1/plugins", methods=["GET"])
def list_plugins() -> dict[str, Any]:
    request = plugins_api.current_request
    plugin_admin.check_can_manage(session(request).user)
    page = pagination(request, plugin_admin.SORTS, "name")
    query = dict(request.query_params or {})
    plugin_type = query.get("pluginType")
    if plugin_type is not None and plugin_type not in ("1", "2"):
        raise ValidationError({"pluginType": "Should have a valid plugin type"}, location="query")
    uninstalled = query.get("uninstalled")
    if uninstalled is not None and uninstalled not in ("true", "false"):
        raise ValidationError({"uninstalled": "Should have a valid uninstalled attribute"}, location="query")
    found = plugin_admin.listing(int(plugin_type) if plugin_type else None, uninstalled == "true", page.sort)
    shown = found[page.start : page.start + page.count]
    return {"total": len(found), "data": [_plugin_json(plugin) for plugin in shown]}


@plugins_api.route("/api/v1/plugins/available", methods=["GET"])
def list_available() -> dict[str, Any]:
    """PeerTube answers 503 when its plugin index cannot be reached; Cirrus has no index to
    reach, since its plugins come with the deployment."""
    plugin_admin.check_can_manage(session(plugins_api.current_request).user)
    plugin_admin.refuse_index()
    return {}


@plugins_api.route("/api/v1/plugins/{npm_name}", methods=["GET"])
def get_plugin(npm_name: str) -> dict[str, Any]:
    plugin_admin.check_can_manage(session(plugins_api.current_request).user)
    return _plugin_json(plugin_admin.find(npm_name))


@plugins_api.route("/api/v1/plugins/{npm_name}/registered-settings", methods=["GET"])
def registered_settings(npm_name: str) -> dict[str, Any]:
    plugin_admin.check_can_manage(session(plugins_api.current_request).user)
    return {"registeredSettings": plugin_admin.registered_settings(plugin_admin.find(npm_name))}


@plugins_api.route("/api/v1/plugins/{npm_name}/public-settings", methods=["GET"])
def public_settings(npm_name: str) -> dict[str, Any]:
    return {"publicSettings": plugin_admin.public_settings(plugin_admin.find(npm_name))}


@plugins_api.route("/api/v1/plugins/{npm_name}/settings", methods=["GET"])
def get_settings(npm_name: str) -> dict[str, Any]:
    """Cirrus's own read of every value (PeerTube gives them in the plugin's `settings`)."""
    plugin_admin.check_can_manage(session(plugins_api.current_request).user)
    return {"settings": plugin_admin.stored_settings(plugin_admin.find(npm_name))}


@plugins_api.route("/api/v1/plugins/{npm_name}/settings", methods=["PUT"])
def put_settings(npm_name: str) -> Response:
    request = plugins_api.current_request
    plugin_admin.check_can_manage(session(request).user)
    plugin = plugin_admin.find(npm_name)
    plugin_admin.save_settings(plugin, json_object(request).get("settings"))
    return no_content()


def _refuse() -> dict[str, Any]:
    plugin_admin.check_can_manage(session(plugins_api.current_request).user)
    plugin_admin.refuse_installation()
    return {}


@plugins_api.route("/api/v1/plugins/install", methods=["POST"])
def install() -> dict[str, Any]:
    return _refuse()


@plugins_api.route("/api/v1/plugins/update", methods=["POST"])
def update() -> dict[str, Any]:
    return _refuse()


@plugins_api.route("/api/v1/plugins/uninstall", methods=["POST"])
def uninstall() -> dict[str, Any]:
    return _refuse()


def _plugin_json(plugin: LoadedPlugin) -> dict[str, Any]:
    """PeerTube's PeerTubePlugin. Installed with the deployment: enabled unless its register()
    failed, its latest version the one deployed, its dates those of its deployed code."""
    when = iso(plugin.installed_at) if plugin.installed_at else None
    return {
        "name": plugin.name,
        "type": plugin_admin.TYPE_PLUGIN,
        "version": plugin.version,
        "latestVersion": plugin.version,
        "enabled": plugin.error is None,
        "uninstalled": False,
        "peertubeEngine": PEERTUBE_ENGINE,
        "description": plugin.description,
        "homepage": plugin.homepage,
        "settings": plugin_admin.stored_settings(plugin),
        "createdAt": when,
        "updatedAt": when,
    }
