"""GET /api/v1/config and /config/about; GET, PUT and DELETE /api/v1/config/custom."""

from __future__ import annotations

from typing import Any

from chalicelib.api.auth import require_right, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object
from chalicelib.config import get_settings
from chalicelib.domain import custom_config, instance, oauth
from chalicelib.domain.roles import Right

config_api = ApiBlueprint(__name__)

CUSTOM = "/api/v1/config/custom"


@config_api.route("/api/v1/config", methods=["GET"])
def get_config() -> dict[str, Any]:
    return instance.server_config(custom_config.current(get_settings()))


@config_api.route("/api/v1/config/about", methods=["GET"])
def get_about() -> dict[str, Any]:
    return instance.about(custom_config.current(get_settings()))


@config_api.route(CUSTOM, methods=["GET"])
def get_custom_config() -> dict[str, Any]:
    _administrator()
    return custom_config.current(get_settings()).custom


@config_api.route(CUSTOM, methods=["PUT"])
def put_custom_config() -> dict[str, Any]:
    _administrator()
    body = json_object(config_api.current_request)
    return custom_config.update(get_settings(), body, oauth.utcnow())


@config_api.route(CUSTOM, methods=["DELETE"])
def delete_custom_config() -> dict[str, Any]:
    _administrator()
    return custom_config.reset(get_settings())


def _administrator() -> None:
    require_right(session(config_api.current_request), Right.MANAGE_CONFIGURATION, CUSTOM)
