"""Plugins' own routes (PeerTube's getRouter()): `/plugins/{name}/router/...` and
`/plugins/{name}/{version}/router/...`, one to three path segments after `router`, answered
by chalicelib/plugins. The caller's session, if any, is given to the plugin as `user`."""

from __future__ import annotations

import json

from chalice.app import Response

from chalicelib import plugins
from chalicelib.api.auth import optional_session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.problems import problem_response
from chalicelib.api.request import json_object
from chalicelib.errors import NotFoundError
from chalicelib.plugins.router import METHODS, PluginRequest

plugin_routes_api = ApiBlueprint(__name__)
MAX_DEPTH = 3


def _answer(name: str, version: str | None, segments: list[str]) -> Response:
    request = plugin_routes_api.current_request
    session = optional_session(request) if request.headers.get("authorization") else None
    body = json_object(request) if request.method in ("POST", "PUT") else None
    asked = PluginRequest(
        method=request.method,
        path="/" + "/".join(segments),
        query=dict(request.query_params or {}),
        headers=dict(request.headers),
        body=body,
        user=session.user if session else None,
    )
    status, value = plugins.route(name, version, asked)
    if status == 404:
        raise NotFoundError("Plugin route not found")
    if status >= 500:
        return problem_response(500, "The plugin failed to answer")
    return Response(body=json.dumps(value), status_code=status, headers={"Content-Type": "application/json"})


def _routes() -> None:
    """One Chalice route per depth, with and without the version (Chalice has no greedy
    parameter, and API Gateway's one `{proxy+}` resource sends every path here anyway)."""
    for depth in range(1, MAX_DEPTH + 1):
        tail = "/".join(f"{{p{index}}}" for index in range(1, depth + 1))
        _add(f"/plugins/{{name}}/router/{tail}", versioned=False)
        _add(f"/plugins/{{name}}/{{version}}/router/{tail}", versioned=True)


def _add(template: str, *, versioned: bool) -> None:
    def view(name: str, **params: str) -> Response:
        segments = [params[key] for key in sorted(params) if key.startswith("p")]
        return _answer(name, params.get("version") if versioned else None, segments)

    view.__name__ = "plugin_route_" + template.replace("/", "_").replace("{", "").replace("}", "")
    plugin_routes_api.route(template, methods=list(METHODS))(view)


_routes()
