"""GET /api/v1/config and /config/about; GET, PUT and DELETE /api/v1/config/custom."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import require_right, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object
from chalicelib.api.shapes import images_json
from chalicelib.config import get_settings
from chalicelib.domain import custom_config, instance, instance_appearance, oauth, themes
from chalicelib.domain.roles import Right

if TYPE_CHECKING:
    from chalicelib.config import Settings

config_api = ApiBlueprint(__name__)

CUSTOM = "/api/v1/config/custom"


@config_api.route("/api/v1/config", methods=["GET"])
def get_config() -> dict[str, Any]:
    settings = get_settings()
    # The settings with the appearance (docs/appearance.md): the instance actor's images, the
    # logos, the homepage's presence and the themes; one read.
    current, item, actor = instance_appearance.current(settings)
    config = instance.server_config(current)
    config["instance"]["avatars"] = images_json(actor.avatars if actor else [], settings)
    config["instance"]["banners"] = images_json(actor.banners if actor else [], settings)
    config["instance"]["logo"] = _logos(config["instance"]["logo"], item, settings)
    config["homepage"] = {"enabled": bool(item is not None and item.homepage)}
    config["theme"].update(themes.server_config(current.custom["theme"]["default"]))
    config["theme"]["customization"] = dict(current.custom["theme"]["customization"])
    return config


@config_api.route("/api/v1/config/about", methods=["GET"])
def get_about() -> dict[str, Any]:
    settings = get_settings()
    current, _, actor = instance_appearance.current(settings)
    document = instance.about(current)
    document["instance"]["avatars"] = images_json(actor.avatars if actor else [], settings)
    document["instance"]["banners"] = images_json(actor.banners if actor else [], settings)
    return document


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


def _logos(fallbacks: list[dict[str, Any]], item: Any, settings: Settings) -> list[dict[str, Any]]:
    """PeerTube's `instance.logo`: the uploaded images of each type, the client's own
    (`isFallback`) for the types with none."""
    uploaded = instance_appearance.logos(item)
    types = {logo_type for logo_type, _ in uploaded}
    shown = [logo for logo in fallbacks if logo["type"] not in types]
    shown.extend(
        {
            "fileUrl": f"{settings.instance_url}/{image.path}",
            "width": int(image.width),
            "height": int(image.height),
            "type": logo_type,
            "isFallback": False,
        }
        for logo_type, image in uploaded
    )
    return shown


def _administrator() -> None:
    require_right(session(config_api.current_request), Right.MANAGE_CONFIGURATION, CUSTOM)
