"""GET /api/v1/config and /api/v1/config/about."""

from __future__ import annotations

from typing import Any

from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.config import get_settings
from chalicelib.domain import instance

config_api = ApiBlueprint(__name__)


@config_api.route("/api/v1/config", methods=["GET"])
def get_config() -> dict[str, Any]:
    return instance.server_config(get_settings())


@config_api.route("/api/v1/config/about", methods=["GET"])
def get_about() -> dict[str, Any]:
    return instance.about(get_settings())
