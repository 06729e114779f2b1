"""Avatars and banners: upload (multipart field avatarfile or bannerfile) and removal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Response

from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import multipart_file
from chalicelib.api.shapes import images_json
from chalicelib.config import get_settings
from chalicelib.domain import channels as channel_cases
from chalicelib.domain import oauth
from chalicelib.domain.actor_images import FIELDS, Kind, remove_images, replace_images
from chalicelib.errors import NotFoundError
from chalicelib.store import actors

if TYPE_CHECKING:
    from chalicelib.store.models import Actor

actor_images_api = ApiBlueprint(__name__)

MULTIPART = ["multipart/form-data"]


@actor_images_api.route("/api/v1/users/me/avatar/pick", methods=["POST"], content_types=MULTIPART)
def pick_my_avatar() -> dict[str, Any]:
    return _pick(_my_account(), "avatars")


@actor_images_api.route("/api/v1/users/me/avatar", methods=["DELETE"])
def delete_my_avatar() -> dict[str, Any]:
    remove_images(_my_account(), "avatars", oauth.utcnow())
    # PeerTube answers this one with the (now empty) list, unlike the channel routes.
    return {"avatars": []}


@actor_images_api.route("/api/v1/video-channels/{handle}/avatar/pick", methods=["POST"], content_types=MULTIPART)
def pick_channel_avatar(handle: str) -> dict[str, Any]:
    return _pick(_managed_channel(handle), "avatars")


@actor_images_api.route("/api/v1/video-channels/{handle}/banner/pick", methods=["POST"], content_types=MULTIPART)
def pick_channel_banner(handle: str) -> dict[str, Any]:
    return _pick(_managed_channel(handle), "banners")


@actor_images_api.route("/api/v1/video-channels/{handle}/avatar", methods=["DELETE"])
def delete_channel_avatar(handle: str) -> Response:
    remove_images(_managed_channel(handle), "avatars", oauth.utcnow())
    return Response(body="", status_code=204)


@actor_images_api.route("/api/v1/video-channels/{handle}/banner", methods=["DELETE"])
def delete_channel_banner(handle: str) -> Response:
    remove_images(_managed_channel(handle), "banners", oauth.utcnow())
    return Response(body="", status_code=204)


def _pick(actor: Actor, kind: Kind) -> dict[str, Any]:
    upload = multipart_file(actor_images_api.current_request, FIELDS[kind])
    images = replace_images(actor, kind, upload, oauth.utcnow())
    return {kind: images_json(images, get_settings())}


def _my_account() -> Actor:
    user = session(actor_images_api.current_request).user
    account = actors.get_actor(int(user.account_id))
    if account is None:
        raise NotFoundError("Account not found")
    return account


def _managed_channel(handle: str) -> Actor:
    user = session(actor_images_api.current_request).user
    channel = channel_cases.get_channel_or_404(get_settings(), handle)
    channel_cases.check_can_manage(user, channel)
    return channel
