"""GET /api/v1/server/stats."""

from __future__ import annotations

from typing import Any

from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.domain import instance
from chalicelib.store import counters

server_api = ApiBlueprint(__name__)


@server_api.route("/api/v1/server/stats", methods=["GET"])
def get_server_stats() -> dict[str, Any]:
    return instance.server_stats(counters.read_stats_counts())
