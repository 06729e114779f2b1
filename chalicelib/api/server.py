"""GET /api/v1/server/stats."""

from __future__ import annotations

from typing import Any

from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.config import get_settings
from chalicelib.domain import custom_config, instance, redundancy
from chalicelib.store import counters, redundancies

# Our mirrors are bounded by the strategies' budgets: one Query page reads them.
MAX_MIRRORS_COUNTED = 1000

server_api = ApiBlueprint(__name__)


@server_api.route("/api/v1/server/stats", methods=["GET"])
def get_server_stats() -> dict[str, Any]:
    strategies = redundancy.read_strategies(custom_config.current(get_settings()).custom)
    ours = redundancies.listed(True, MAX_MIRRORS_COUNTED)
    return instance.server_stats(counters.read_stats_counts(), redundancy.stats(strategies, ours))
