"""Player settings of a video or a channel (PeerTube 8, docs/appearance.md): the player's
theme, chosen by whoever may manage the video or channel.

A video's setting is `channel-default` unless set, a channel's `instance-default`; read
without `raw`, each default is resolved (video → channel → instance), as PeerTube does.
Reading `raw` shows what is stored, to those who may change it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.errors import ValidationError
from chalicelib.store import appearance as store

if TYPE_CHECKING:
    from chalicelib.store.models import Actor, Video

PLAYER_THEMES = ("galaxy", "lucide")
CHANNEL_THEMES = ("instance-default", *PLAYER_THEMES)
VIDEO_THEMES = ("channel-default", *CHANNEL_THEMES)


def video_settings(video: Video, instance_theme: str, *, raw: bool) -> dict[str, Any]:
    """One BatchGetItem for the video's and its channel's settings."""
    video_key, channel_key = ("video", int(video.id)), ("channel", int(video.channel_id))
    found = store.get_player_settings([video_key, channel_key])
    own = found.get(video_key, "channel-default")
    if raw:
        return {"theme": own}
    if own == "channel-default":
        own = found.get(channel_key, "instance-default")
    return {"theme": instance_theme if own == "instance-default" else own}


def channel_settings(channel: Actor, instance_theme: str, *, raw: bool) -> dict[str, Any]:
    key = ("channel", int(channel.id))
    own = store.get_player_settings([key]).get(key, "instance-default")
    if raw:
        return {"theme": own}
    return {"theme": instance_theme if own == "instance-default" else own}


def update_video(video: Video, body: dict[str, Any], now: datetime) -> dict[str, Any]:
    theme = _theme(body, VIDEO_THEMES)
    store.save_player_setting("video", int(video.id), theme, now)
    return {"theme": theme}


def update_channel(channel: Actor, body: dict[str, Any], now: datetime) -> dict[str, Any]:
    theme = _theme(body, CHANNEL_THEMES)
    store.save_player_setting("channel", int(channel.id), theme, now)
    return {"theme": theme}


def instance_theme(custom: dict[str, Any]) -> str:
    """The administrator's default player theme (`defaults.player.theme`), galaxy if unusable."""
    theme = custom.get("defaults", {}).get("player", {}).get("theme")
    return theme if theme in PLAYER_THEMES else "galaxy"


def _theme(body: dict[str, Any], allowed: tuple[str, ...]) -> str:
    theme = body.get("theme")
    if theme not in allowed:
        raise ValidationError({"theme": "Should have a valid theme"})
    return str(theme)
