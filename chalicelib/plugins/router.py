"""A plugin's own HTTP routes (PeerTube's getRouter()), answered under
`/plugins/{name}/router/...` and `/plugins/{name}/{version}/router/...`.

A route handler is `handler(request) -> result`, where `request` is a PluginRequest and the
result is a JSON value (200) or a `(status, JSON value)` pair. It runs with the same time
budget as a hook; one that raises, overruns or answers something else is a 500, logged and
counted as a hook failure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

METHODS = ("GET", "POST", "PUT", "DELETE")


@dataclass(frozen=True)
class PluginRequest:
    method: str
    path: str  # after `router`, with its leading slash
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None  # the parsed JSON body, if it had one
    user: Any = None  # the authenticated user, or None


Handler = Callable[[PluginRequest], Any]


class Router:
    """Exact paths per method: `router.get("/ping")(handler)`, or `router.add("GET", ...)`."""

    def __init__(self) -> None:
        self._routes: dict[tuple[str, str], Handler] = {}

    def add(self, method: str, path: str, handler: Handler) -> None:
        if method not in METHODS:
            raise ValueError(f"unsupported method {method!r}")
        if not path.startswith("/"):
            raise ValueError("a route path starts with /")
        self._routes[(method, path.rstrip("/") or "/")] = handler

    def get(self, path: str) -> Callable[[Handler], Handler]:
        return self._decorator("GET", path)

    def post(self, path: str) -> Callable[[Handler], Handler]:
        return self._decorator("POST", path)

    def put(self, path: str) -> Callable[[Handler], Handler]:
        return self._decorator("PUT", path)

    def delete(self, path: str) -> Callable[[Handler], Handler]:
        return self._decorator("DELETE", path)

    def find(self, method: str, path: str) -> Handler | None:
        return self._routes.get((method, path.rstrip("/") or "/"))

    def _decorator(self, method: str, path: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.add(method, path, handler)
            return handler

        return register
