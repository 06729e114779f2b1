"""PeerTube 8's player settings of a video or a channel (docs/appearance.md)."""

from __future__ import annotations

from typing import Any

from chalicelib.api.auth import optional_session, session
from chalicelib.api.blueprint import ApiBlueprint
from chalicelib.api.request import json_object
from chalicelib.api.video_passwords import password_header
from chalicelib.config import get_settings
from chalicelib.domain import channels as channel_cases
from chalicelib.domain import custom_config, oauth, player_settings, video_edits
from chalicelib.domain.videos import check_can_see, find_video, parse_reference
from chalicelib.errors import ValidationError

player_settings_api = ApiBlueprint(__name__)

VIDEO = "/api/v1/player-settings/videos/{video_id}"
CHANNEL = "/api/v1/player-settings/video-channels/{handle}"


@player_settings_api.route(VIDEO, methods=["GET"])
def get_video_settings(video_id: str) -> dict[str, Any]:
    request = player_settings_api.current_request
    raw = _raw()
    current = optional_session(request)
    viewer = current.user if current else None
    video = find_video(video_id, "videoId")
    check_can_see(video, viewer, isinstance(parse_reference(video_id, "videoId"), str), password_header(request))
    if raw:
        # What is stored is shown to those who may change it (PeerTube: checkCanManageVideo).
        video_edits.check_can_manage(video, session(request).user)
    return player_settings.video_settings(video, _instance_theme(), raw=raw)


@player_settings_api.route(VIDEO, methods=["PUT"])
def put_video_settings(video_id: str) -> dict[str, Any]:
    request = player_settings_api.current_request
    user = session(request).user
    video = find_video(video_id, "videoId")
    video_edits.check_can_manage(video, user)
    return player_settings.update_video(video, json_object(request), oauth.utcnow())


@player_settings_api.route(CHANNEL, methods=["GET"])
def get_channel_settings(handle: str) -> dict[str, Any]:
    request = player_settings_api.current_request
    raw = _raw()
    channel = channel_cases.get_channel_or_404(get_settings(), handle)
    if raw:
        channel_cases.check_can_manage(session(request).user, channel)
    return player_settings.channel_settings(channel, _instance_theme(), raw=raw)


@player_settings_api.route(CHANNEL, methods=["PUT"])
def put_channel_settings(handle: str) -> dict[str, Any]:
    request = player_settings_api.current_request
    user = session(request).user
    channel = channel_cases.get_channel_or_404(get_settings(), handle)
    channel_cases.check_can_manage(user, channel)
    return player_settings.update_channel(channel, json_object(request), oauth.utcnow())


def _raw() -> bool:
    query = player_settings_api.current_request.query_params
    value = query.get("raw") if query else None
    if value is None:
        return False
    if value.lower() not in ("true", "false", "1", "0"):
        raise ValidationError({"raw": "Should have a valid boolean"}, location="query")
    return value.lower() in ("true", "1")


def _instance_theme() -> str:
    return player_settings.instance_theme(custom_config.current(get_settings()).custom)
