"""What an instance says about itself: /api/v1/config and /config/about (its statistics:
domain/server_stats.py)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib import plugins
from chalicelib.domain import reference_data, transcription_settings

if TYPE_CHECKING:
    from chalicelib.config import LiveConfig, Settings

# Clients gate features on the PeerTube version they talk to; Cirrus implements v8's API.
PEERTUBE_API_VERSION = "8.0.1"
SHORT_DESCRIPTION = "Cirrus, a serverless, ActivityPub-federated video platform compatible with PeerTube."
_URL_PLACEHOLDER = "__INSTANCE_URL__"
RESUMABLE_CHUNK_BYTES = 4 * 1024 * 1024
# The instance's texts that /config/about shows, as the administrator sets them.
ABOUT_TEXTS = (
    "name",
    "shortDescription",
    "description",
    "terms",
    "codeOfConduct",
    "hardwareInformation",
    "creationReason",
    "moderationInformation",
    "administrator",
    "maintenanceLifetime",
    "businessModel",
)


@dataclass(frozen=True)
class InstanceSettings:
    """The settings in force: the environment's, with the administrator's changes applied."""

    settings: Settings
    custom: dict[str, Any]


def server_config(current: InstanceSettings) -> dict[str, Any]:
    """The ServerConfig document: PeerTube's defaults with this instance's settings."""
    settings, custom = current.settings, current.custom
    config: dict[str, Any] = _with_instance_url(reference_data.load("server_config_defaults"), settings)
    shown = ("name", "shortDescription", "isNSFW", "defaultNSFWPolicy", "defaultClientRoute", "serverCountry")
    config["instance"].update({key: custom["instance"][key] for key in shown})
    config["instance"].update({key: copy.deepcopy(custom["instance"][key]) for key in ("support", "social")})
    config["instance"]["customizations"] = dict(custom["instance"]["customizations"])
    # A chunk must cross API Gateway and Lambda (6 MB, base64-encoded): 4 MiB does.
    config["client"]["videos"]["resumableUpload"]["maxChunkSize"] = RESUMABLE_CHUNK_BYTES
    # The instance's sign-up rules (the user limit itself is enforced when registering).
    signup = settings.signup
    config["signup"].update(
        {
            "allowed": signup.enabled,
            "minimumAge": signup.minimum_age,
            "requiresApproval": signup.requires_approval,
            "requiresEmailVerification": signup.requires_email_verification,
        }
    )
    config["user"] = {
        "videoQuota": settings.user_defaults.video_quota,
        "videoQuotaDaily": settings.user_defaults.video_quota_daily,
    }
    config["videoChannels"] = {"maxPerUser": settings.user_defaults.max_channels}
    config["live"] = _live(settings)
    config["contactForm"] = {"enabled": custom["contactForm"]["enabled"]}
    # Whether clients offer imports (domain/video_imports.py), as the administrator set it.
    imports = custom["import"]["videos"]
    config["import"]["videos"]["http"] = {"enabled": bool(imports["http"]["enabled"])}
    config["import"]["videos"]["torrent"] = {"enabled": bool(imports["torrent"]["enabled"])}
    sync = custom["import"]["video_channel_synchronization"]
    config["import"]["videoChannelSynchronization"] = {"enabled": bool(sync["enabled"])}
    # What uploads become (domain/web_videos.py): web videos, HLS or both. Cirrus always
    # transcodes, to HLS when asked for neither.
    transcoding = custom["transcoding"]
    web = bool(transcoding["web_videos"]["enabled"])
    config["transcoding"]["hls"] = {"enabled": bool(transcoding["hls"]["enabled"]) or not web}
    config["transcoding"]["web_videos"] = {"enabled": web}
    # The encoding profiles: Cirrus's default and the plugins' (chalicelib/plugins/transcoding.py).
    config["transcoding"]["profile"] = transcoding.get("profile", "default")
    config["transcoding"]["availableProfiles"] = plugins.available_vod_profiles()
    config["videoFile"] = {"update": {"enabled": bool(custom["videoFile"]["update"]["enabled"])}}
    studio = custom["videoStudio"]
    config["videoStudio"] = {
        "enabled": bool(studio["enabled"]),
        "remoteRunners": {"enabled": bool(studio["remoteRunners"]["enabled"])},
    }
    config["videoTranscription"] = transcription_settings.server_config(custom, settings.transcription_engine)
    # The installed plugins, with the scripts the web client loads (chalicelib/plugins/client.py).
    config["plugin"]["registered"] = plugins.registered_for_clients()
    config["serverVersion"] = PEERTUBE_API_VERSION
    config["serverCommit"] = ""
    return config


def live_limits(live: LiveConfig) -> dict[str, Any]:
    """The `live` fields PeerTube's ServerConfig and CustomConfig share, in their order
    (durations in milliseconds, as PeerTube shows them)."""
    return {
        "enabled": live.enabled,
        "allowReplay": live.allow_replay,
        "latencySetting": {"enabled": live.latency_setting},
        "maxDuration": live.max_duration * 1000 if live.max_duration >= 0 else -1,
        "maxInstanceLives": live.max_instance_lives,
        "maxUserLives": live.max_user_lives,
    }


def _live(settings: Settings) -> dict[str, Any]:
    """ServerConfig's `live`: what clients offer."""
    live = settings.live
    return {
        **live_limits(live),
        "transcoding": {
            "enabled": live.transcoding,
            "remoteRunners": {"enabled": False},
            "enabledResolutions": list(live.resolutions) if live.transcoding else [],
            "profile": "default",
            "availableProfiles": ["default"],
        },
        "rtmp": {"port": live.rtmp_port},
    }


def about(current: InstanceSettings) -> dict[str, Any]:
    document: dict[str, Any] = copy.deepcopy(reference_data.load("about_defaults"))
    custom = current.custom["instance"]
    document["instance"].update({key: custom[key] for key in ABOUT_TEXTS})
    document["instance"]["languages"] = list(custom["languages"])
    document["instance"]["categories"] = list(custom["categories"])
    return document


def _with_instance_url(document: Any, settings: Settings) -> Any:
    if isinstance(document, dict):
        return {key: _with_instance_url(value, settings) for key, value in document.items()}
    if isinstance(document, list):
        return [_with_instance_url(value, settings) for value in document]
    if isinstance(document, str) and _URL_PLACEHOLDER in document:
        return document.replace(_URL_PLACEHOLDER, settings.instance_url)
    return document
