"""The instance's look (docs/appearance.md): its avatar, banner and logos
(/api/v1/config/instance-*), and its homepage (/api/v1/custom-pages/homepage/instance)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import require_right, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, multipart_file
from chalicelib.api.responses import no_content
from chalicelib.domain import instance_appearance, oauth
from chalicelib.domain.actor_images import FIELDS, Kind
from chalicelib.domain.roles import Right
from chalicelib.errors import NotFoundError

if TYPE_CHECKING:
    from chalice.app import Response

appearance_api = ApiBlueprint(__name__)

MULTIPART = ["multipart/form-data"]
HOMEPAGE = "/api/v1/custom-pages/homepage/instance"


@appearance_api.route("/api/v1/config/instance-avatar/pick", methods=["POST"], content_types=MULTIPART)
def pick_instance_avatar() -> Response:
    return _pick("avatars", "/api/v1/config/instance-avatar/pick")


@appearance_api.route("/api/v1/config/instance-banner/pick", methods=["POST"], content_types=MULTIPART)
def pick_instance_banner() -> Response:
    return _pick("banners", "/api/v1/config/instance-banner/pick")


@appearance_api.route("/api/v1/config/instance-avatar", methods=["DELETE"])
def delete_instance_avatar() -> Response:
    _administrator("/api/v1/config/instance-avatar")
    instance_appearance.remove_image("avatars", oauth.utcnow())
    return no_content()


@appearance_api.route("/api/v1/config/instance-banner", methods=["DELETE"])
def delete_instance_banner() -> Response:
    _administrator("/api/v1/config/instance-banner")
    instance_appearance.remove_image("banners", oauth.utcnow())
    return no_content()


@appearance_api.route("/api/v1/config/instance-logo/{logo_type}/pick", methods=["POST"], content_types=MULTIPART)
def pick_instance_logo(logo_type: str) -> Response:
    _administrator(f"/api/v1/config/instance-logo/{logo_type}/pick")
    instance_appearance.check_logo_type(logo_type)
    upload = multipart_file(appearance_api.current_request, instance_appearance.LOGO_FIELD)
    instance_appearance.pick_logo(logo_type, upload, oauth.utcnow())
    return no_content()


@appearance_api.route("/api/v1/config/instance-logo/{logo_type}", methods=["DELETE"])
def delete_instance_logo(logo_type: str) -> Response:
    _administrator(f"/api/v1/config/instance-logo/{logo_type}")
    instance_appearance.remove_logo(logo_type, oauth.utcnow())
    return no_content()


@appearance_api.route(HOMEPAGE, methods=["GET"])
def get_homepage() -> dict[str, Any]:
    content = instance_appearance.homepage()
    if content is None:
        raise NotFoundError("Instance homepage could not be found")
    return {"content": content}


@appearance_api.route(HOMEPAGE, methods=["PUT"])
def put_homepage() -> Response:
    request = appearance_api.current_request
    require_right(session(request), Right.MANAGE_INSTANCE_CUSTOM_PAGE, HOMEPAGE)
    instance_appearance.set_homepage(json_object(request), oauth.utcnow())
    return no_content()


def _pick(kind: Kind, path: str) -> Response:
    _administrator(path)
    upload = multipart_file(appearance_api.current_request, FIELDS[kind])
    instance_appearance.pick_image(kind, upload, oauth.utcnow())
    return no_content()


def _administrator(path: str) -> None:
    require_right(session(appearance_api.current_request), Right.MANAGE_CONFIGURATION, path)
