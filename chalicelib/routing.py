"""Resolve a request path to one of the Chalice app's route templates.

API Gateway forwards every path to the function through a single `/{proxy+}` resource
(PeerTube has more than 200 paths; one resource each would crowd API Gateway's resource
quota and redeploy the API on every new route). Chalice, however, dispatches on
`requestContext.resourcePath`, the route template. This module finds that template for the
real path, with API Gateway's precedence (a literal segment beats a `{param}` at the same
depth), and rewrites the event as if API Gateway had matched the route itself. The local
gateway sends the very same proxy events, so both run this code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

PROXY_RESOURCE = "/{proxy+}"


@dataclass
class _Node:
    literals: dict[str, _Node] = field(default_factory=dict)
    param: tuple[str, _Node] | None = None
    template: str | None = None


@dataclass(frozen=True)
class RouteMatch:
    template: str
    params: dict[str, str]


class RouteTable:
    """A trie of route templates, built once per execution environment."""

    def __init__(self, templates: Iterable[str]) -> None:
        self._root = _Node()
        for template in templates:
            self._add(template)

    def match(self, path: str) -> RouteMatch | None:
        segments = _segments(path)
        params: dict[str, str] = {}
        template = self._walk(self._root, segments, params)
        return RouteMatch(template, params) if template else None

    def _add(self, template: str) -> None:
        node = self._root
        for segment in _segments(template):
            if segment.startswith("{") and segment.endswith("}"):
                name = segment[1:-1]
                if node.param is None:
                    node.param = (name, _Node())
                elif node.param[0] != name:
                    raise ValueError(f"{template}: conflicting parameter names at the same depth")
                node = node.param[1]
            else:
                node = node.literals.setdefault(segment, _Node())
        node.template = template

    def _walk(self, node: _Node, segments: list[str], params: dict[str, str]) -> str | None:
        if not segments:
            return node.template
        head, rest = segments[0], segments[1:]
        literal = node.literals.get(head)
        if literal is not None:
            found = self._walk(literal, rest, params)
            if found:
                return found
        if node.param is not None and head:
            name, child = node.param
            found = self._walk(child, rest, params)
            if found:
                params[name] = unquote(head)
                return found
        return None


def resolve_proxy_event(event: dict[str, Any], table: RouteTable) -> dict[str, Any] | None:
    """Return the event as if API Gateway had matched a Chalice route, or None if none does.

    Events that already name a concrete resource (a per-route API) pass through untouched.
    """
    context = event.get("requestContext") or {}
    resource = context.get("resourcePath") or event.get("resource")
    if resource not in (PROXY_RESOURCE, "/", None):
        return event
    found = table.match(event.get("path") or "/")
    if found is None:
        return None
    resolved = dict(event)
    resolved["resource"] = found.template
    resolved["pathParameters"] = found.params or None
    resolved["requestContext"] = {**context, "resourcePath": found.template}
    return resolved


def _segments(path: str) -> list[str]:
    stripped = path.strip("/")
    return stripped.split("/") if stripped else []
