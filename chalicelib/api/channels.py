"""Video channels: list, create, read, update, delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.api.auth import session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object, pagination
from chalicelib.api.responses import no_content
from chalicelib.api.shapes import channel_json
from chalicelib.config import get_settings
from chalicelib.domain import channels as channel_cases
from chalicelib.domain import custom_config, oauth
from chalicelib.store import actors, counters

if TYPE_CHECKING:
    from chalice.app import Response

    from chalicelib.store.models import Actor

channels_api = ApiBlueprint(__name__)


@channels_api.route("/api/v1/video-channels", methods=["GET"])
def list_channels() -> dict[str, Any]:
    page = pagination(channels_api.current_request, ("createdAt", "id"), "-createdAt")
    settings = get_settings()
    channels = actors.list_local_channels(page.start, page.count, newest_first=page.sort.startswith("-"))
    owners = _owners(channels)
    data = [channel_json(c, settings, owner=owners.get(int(c.account_id or 0))) for c in channels]
    return {"total": counters.read_stats_counts().local_channels, "data": data}


@channels_api.route("/api/v1/video-channels", methods=["POST"])
def create_channel() -> dict[str, Any]:
    request = channels_api.current_request
    user = session(request).user
    channel = channel_cases.create_channel(
        custom_config.in_force(get_settings()), user, json_object(request), oauth.utcnow()
    )
    return {"videoChannel": {"id": int(channel.id)}}


@channels_api.route("/api/v1/video-channels/{handle}", methods=["GET"])
def get_channel(handle: str) -> dict[str, Any]:
    settings = get_settings()
    channel = channel_cases.get_channel_or_404(settings, handle)
    owner = actors.get_actor(int(channel.account_id)) if channel.account_id else None
    return channel_json(channel, settings, owner=owner)


@channels_api.route("/api/v1/video-channels/{handle}", methods=["PUT"])
def put_channel(handle: str) -> Response:
    request = channels_api.current_request
    user = session(request).user
    channel = channel_cases.get_channel_or_404(get_settings(), handle)
    channel_cases.update_channel(user, channel, json_object(request), oauth.utcnow())
    return no_content()


@channels_api.route("/api/v1/video-channels/{handle}", methods=["DELETE"])
def delete_channel(handle: str) -> Response:
    user = session(channels_api.current_request).user
    channel_cases.delete_channel(user, channel_cases.get_channel_or_404(get_settings(), handle))
    return no_content()


def _owners(channels: list[Actor]) -> dict[int, Actor]:
    return actors.get_actors({int(c.account_id) for c in channels if c.account_id})
