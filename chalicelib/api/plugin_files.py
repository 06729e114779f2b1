"""The files plugins ship for the web client, where PeerTube serves them:
`/plugins/{name}/{version}/client-scripts/{path}` (a script the plugin declared, one to four
path segments) and `/plugins/global.css` (every plugin's stylesheets). Nothing undeclared is
served, whatever the path; chalicelib/plugins/client.py checked each file when it was declared."""

from __future__ import annotations

from chalice.app import Response

from chalicelib import plugins
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.errors import NotFoundError
from chalicelib.plugins.client import CSS_TYPE, SCRIPT_TYPE

plugin_files_api = ApiBlueprint(__name__)
MAX_DEPTH = 4
# PeerTube's sendFileOptions: 30 days. A script's URL names the plugin's version, so a new
# deployment of the plugin is a new URL; global.css is cached only when asked with ?hash=.
CACHED = "public, max-age=2592000, immutable"


@plugin_files_api.route("/plugins/global.css", methods=["GET"])
def global_css() -> Response:
    hashed = bool(dict(plugin_files_api.current_request.query_params or {}).get("hash"))
    return _file(plugins.global_css(), CSS_TYPE, CACHED if hashed else "no-cache")


def _client_script(name: str, version: str, segments: list[str]) -> Response:
    found = plugins.client_script(name, version, "/".join(segments))
    if found is None:
        raise NotFoundError("Plugin client script not found")
    return _file(found.read(), SCRIPT_TYPE, CACHED)


def _file(body: str, content_type: str, cache: str) -> Response:
    headers: dict[str, str | list[str]] = {
        "Content-Type": content_type,
        "Cache-Control": cache,
        "X-Content-Type-Options": "nosniff",
    }
    return Response(body=body, status_code=200, headers=headers)


def _routes() -> None:
    """One Chalice route per depth (Chalice has no greedy parameter)."""
    for depth in range(1, MAX_DEPTH + 1):
        tail = "/".join(f"{{p{index}}}" for index in range(1, depth + 1))
        template = f"/plugins/{{name}}/{{version}}/client-scripts/{tail}"

        def view(name: str, version: str, **params: str) -> Response:
            return _client_script(name, version, [params[key] for key in sorted(params)])

        view.__name__ = f"plugin_client_script_{depth}"
        plugin_files_api.route(template, methods=["GET"])(view)


_routes()
