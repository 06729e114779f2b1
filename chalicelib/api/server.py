"""GET /api/v1/server/stats (domain/server_stats.py)."""

from __future__ import annotations

from typing import Any

from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.domain import server_stats
from chalicelib.domain.oauth import utcnow

server_api = ApiBlueprint(__name__)


@server_api.route("/api/v1/server/stats", methods=["GET"])
def get_server_stats() -> dict[str, Any]:
    return server_stats.current(utcnow())
