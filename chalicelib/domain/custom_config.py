"""The instance's settings as its administrator sets them: PeerTube's custom configuration.

The environment (chalicelib/config.py) gives each setting its starting value; a PUT on
/api/v1/config/custom stores a whole CustomConfig document in DynamoDB, which then wins
until a DELETE removes it. Cirrus acts on the instance's identity and texts, the sign-up
policy and new users' quotas; every other field is validated for its type, stored and
echoed, so PeerTube's administration client can read back what it wrote.

Every request that depends on these settings reads the stored document (one consistent
GetItem), so a change shows at once on every function instance: there is no cache to
invalidate.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib import plugins
from chalicelib.config import LiveConfig, SignupSettings, UserDefaults
from chalicelib.domain import redundancy, reference_data, themes
from chalicelib.domain.instance import ABOUT_TEXTS, SHORT_DESCRIPTION, InstanceSettings, live_limits
from chalicelib.errors import BadRequestError, PayloadTooLargeError, ValidationError
from chalicelib.store import instance as instance_store

if TYPE_CHECKING:
    from chalicelib.config import Settings

TERMS = "No terms for now."
# A DynamoDB item holds 400 KB; the document must fit with room to spare.
MAX_DOCUMENT_BYTES = 300_000
RESOLUTIONS = ("0p", "144p", "240p", "360p", "480p", "720p", "1080p", "1440p", "2160p")
LIVE_RESOLUTIONS = RESOLUTIONS[1:]


def current(settings: Settings) -> InstanceSettings:
    """The settings in force now (one DynamoDB read)."""
    return _in_force(settings, instance_store.get_custom_config())


def from_stored(settings: Settings, stored: dict[str, Any] | None) -> InstanceSettings:
    """The settings in force given the stored document, read by the caller (with other items)."""
    return _in_force(settings, stored)


def in_force(settings: Settings) -> Settings:
    """The environment's settings with the administrator's changes (one DynamoDB read)."""
    return current(settings).settings


def update(settings: Settings, body: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Validate and store a CustomConfig document (PUT); the document now in force."""
    _validate(body)
    document = _merged(defaults(settings), body)
    if len(json.dumps(document)) > MAX_DOCUMENT_BYTES:
        raise PayloadTooLargeError("The configuration is too large.")
    instance_store.save_custom_config(document, now)
    return _in_force(settings, document).custom


def reset(settings: Settings) -> dict[str, Any]:
    """Forget the administrator's changes (DELETE): the environment's settings again."""
    instance_store.delete_custom_config()
    return defaults(settings)


def defaults(settings: Settings) -> dict[str, Any]:
    """The CustomConfig document the environment's settings amount to."""
    server = reference_data.load("server_config_defaults")
    about = reference_data.load("about_defaults")["instance"]
    signup, user = settings.signup, settings.user_defaults
    name = settings.instance_name
    return copy.deepcopy(
        {
            "instance": {
                "name": name,
                "shortDescription": SHORT_DESCRIPTION,
                "description": f"Welcome to {name}!",
                "terms": TERMS,
                **{key: about[key] for key in ABOUT_TEXTS[4:]},  # empty texts
                "languages": [],
                "categories": [],
                "isNSFW": False,
                "defaultNSFWPolicy": server["instance"]["defaultNSFWPolicy"],
                "serverCountry": "",
                "support": {"text": ""},
                "social": {"externalLink": "", "mastodonLink": "", "blueskyLink": "", "xLink": ""},
                "defaultClientRoute": server["instance"]["defaultClientRoute"],
                "customizations": {"javascript": "", "css": ""},
                "defaultLanguage": server["instance"]["defaultLanguage"],
            },
            "theme": {"default": server["theme"]["default"], "customization": server["theme"]["customization"]},
            "services": {"twitter": {"username": ""}},
            "client": {"videos": {"miniature": {"preferAuthorDisplayName": False}}, "menu": {"login": {}}},
            "cache": {"previews": {"size": 500}, "captions": {"size": 500}, "torrents": {"size": 500}},
            "signup": {
                "enabled": signup.enabled,
                "limit": signup.limit,
                "requiresApproval": signup.requires_approval,
                "requiresEmailVerification": signup.requires_email_verification,
                "minimumAge": signup.minimum_age,
            },
            "admin": {"email": ""},
            "contactForm": {"enabled": server["contactForm"]["enabled"]},
            "user": {"videoQuota": user.video_quota, "videoQuotaDaily": user.video_quota_daily},
            "videoChannels": {"maxPerUser": user.max_channels},
            "transcoding": {
                "enabled": True,
                "originalFile": {"keep": False},
                "allowAdditionalExtensions": False,
                "allowAudioFiles": False,
                "threads": 1,
                "concurrency": 1,
                "profile": "default",
                # Cirrus makes the whole ladder unless told otherwise (PeerTube's defaults enable
                # none: the original alone), for adaptive playback and P2P swarms per rendition.
                "resolutions": {key: key != "0p" for key in RESOLUTIONS},
                "alwaysTranscodeOriginalResolution": True,
                "fps": {"max": 60},
                "web_videos": {"enabled": False},
                "hls": {"enabled": True, "splitAudioAndVideo": False},
            },
            "videoFile": {"update": {"enabled": False}},
            "videoStudio": {"enabled": False, "remoteRunners": {"enabled": False}},  # docs/studio.md
            "live": _live_defaults(settings.live),
            "import": {
                "videos": {"concurrency": 1, "http": {"enabled": False}, "torrent": {"enabled": False}},
                "video_channel_synchronization": {"enabled": False, "maxPerUser": 10},
                "users": {"enabled": True},
            },
            "autoBlacklist": {"videos": {"ofUsers": {"enabled": False}}},
            "followers": {"instance": {"enabled": True, "manualApproval": False}},
            "followings": {"instance": {"autoFollowBack": {"enabled": False}, "autoFollowIndex": {"enabled": False}}},
            "storyboard": {"enabled": True, "remoteRunners": {"enabled": False}},  # domain/storyboards.py
            # domain/transcriptions.py: what transcribes is the deployment's engine.
            "videoTranscription": {"enabled": False, "remoteRunners": {"enabled": False}},
            "defaults": copy.deepcopy(server["defaults"]),
            "broadcastMessage": {"enabled": False, "message": "", "level": "info", "dismissable": False},
            "search": {
                "remoteUri": {"users": True, "anonymous": False},
                "searchIndex": {"enabled": False, "url": "", "disableLocalSearch": False, "isDefaultSearch": False},
            },
        }
    )


def _live_defaults(live: LiveConfig) -> dict[str, Any]:
    """PeerTube's CustomConfig `live` section for these settings."""
    return {
        **live_limits(live),
        "transcoding": {
            "enabled": live.transcoding,
            "remoteRunners": {"enabled": False},
            "threads": 2,
            "profile": "default",
            "resolutions": {key: int(key[:-1]) in live.resolutions for key in LIVE_RESOLUTIONS},
            "alwaysTranscodeOriginalResolution": True,
            "fps": {"max": 60},
        },
    }


def _live_in_force(live: LiveConfig, section: dict[str, Any]) -> LiveConfig:
    duration = section["maxDuration"]
    return dataclasses.replace(
        live,
        enabled=section["enabled"],
        allow_replay=section["allowReplay"],
        latency_setting=section["latencySetting"]["enabled"],
        max_duration=duration // 1000 if duration >= 0 else -1,
        max_instance_lives=section["maxInstanceLives"],
        max_user_lives=section["maxUserLives"],
        transcoding=section["transcoding"]["enabled"],
        resolutions=tuple(
            int(key[:-1]) for key in LIVE_RESOLUTIONS if section["transcoding"]["resolutions"].get(key) is True
        ),
    )


def _in_force(settings: Settings, stored: dict[str, Any] | None) -> InstanceSettings:
    custom = _merged(defaults(settings), stored or {})
    if not stored:
        return InstanceSettings(settings, custom)
    signup, user = custom["signup"], custom["user"]
    changed = dataclasses.replace(
        settings,
        instance_name=custom["instance"]["name"],
        signup=SignupSettings(
            enabled=signup["enabled"],
            limit=signup["limit"],
            requires_approval=signup["requiresApproval"],
            requires_email_verification=signup["requiresEmailVerification"],
            minimum_age=signup["minimumAge"],
        ),
        user_defaults=UserDefaults(
            video_quota=user["videoQuota"],
            video_quota_daily=user["videoQuotaDaily"],
            max_channels=custom["videoChannels"]["maxPerUser"],
        ),
        live=_live_in_force(settings.live, custom["live"]),
    )
    return InstanceSettings(changed, custom)


def _merged(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """`base` with `changes` laid over it, object by object; unknown keys are kept."""
    merged = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


# ---- Validation, as PeerTube's customConfigUpdateValidator ------------------------------


def _is_string(value: Any) -> bool:
    return isinstance(value, str)


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _at_least(low: int) -> Callable[[Any], bool]:
    return lambda value: _is_int(value) and value >= low


def _is_name(value: Any) -> bool:
    return isinstance(value, str) and 1 <= len(value.strip()) <= 120


# Fields Cirrus acts on must be present, as PeerTube requires them; the others are checked
# when present.
_REQUIRED: dict[str, Callable[[Any], bool]] = {
    "instance.name": _is_name,
    "instance.shortDescription": _is_string,
    "instance.description": _is_string,
    "instance.terms": _is_string,
    "signup.enabled": _is_bool,
    "signup.limit": _at_least(-1),
    "signup.requiresApproval": _is_bool,
    "signup.requiresEmailVerification": _is_bool,
    "signup.minimumAge": _at_least(0),
}
_OPTIONAL: dict[str, Callable[[Any], bool]] = {
    **{f"instance.{key}": _is_string for key in ("codeOfConduct", "creationReason", "moderationInformation")},
    **{f"instance.{key}": _is_string for key in ("administrator", "maintenanceLifetime", "businessModel")},
    "instance.hardwareInformation": _is_string,
    "instance.isNSFW": _is_bool,
    "instance.defaultNSFWPolicy": lambda value: value in ("do_not_list", "blur", "warn", "display"),
    "instance.defaultClientRoute": _is_string,
    "instance.languages": lambda value: isinstance(value, list) and all(map(_is_string, value)),
    "instance.categories": lambda value: isinstance(value, list) and all(map(_is_int, value)),
    "instance.customizations.javascript": _is_string,
    "instance.customizations.css": _is_string,
    # PeerTube's isThemeRegistered (domain/themes.py) and its player themes.
    "theme.default": lambda value: themes.is_registered(value) and value != themes.INSTANCE_DEFAULT,
    "defaults.player.theme": lambda value: value in ("galaxy", "lucide"),
    "admin.email": lambda value: value == "" or (isinstance(value, str) and "@" in value),
    "contactForm.enabled": _is_bool,
    "user.videoQuota": _at_least(-1),
    "user.videoQuotaDaily": _at_least(-1),
    "videoChannels.maxPerUser": _at_least(1),
    "transcoding.enabled": _is_bool,
    **{f"transcoding.resolutions.{key}": _is_bool for key in RESOLUTIONS},
    "transcoding.hls.enabled": _is_bool,
    "transcoding.web_videos.enabled": _is_bool,
    "transcoding.remoteRunners.enabled": _is_bool,
    # Cirrus's own (docs/runners.md): seconds a runner job may wait before Lambda does it.
    "transcoding.remoteRunners.lambdaFallbackSeconds": lambda value: value is None or (_is_int(value) and value >= 0),
    # Cirrus's own (docs/runners.md): chunk jobs for Cirrus's runner instead of whole renditions.
    "transcoding.remoteRunners.cirrusChunks": _is_bool,
    "transcoding.originalFile.keep": _is_bool,
    "videoFile.update.enabled": _is_bool,
    "videoStudio.enabled": _is_bool,
    "videoStudio.remoteRunners.enabled": _is_bool,
    "import.videos.http.enabled": _is_bool,
    "import.videos.torrent.enabled": _is_bool,
    "autoBlacklist.videos.ofUsers.enabled": _is_bool,
    "followers.instance.enabled": _is_bool,
    "followers.instance.manualApproval": _is_bool,
    "storyboard.enabled": _is_bool,
    "storyboard.remoteRunners.enabled": _is_bool,
    "videoTranscription.enabled": _is_bool,
    "videoTranscription.remoteRunners.enabled": _is_bool,
    "live.enabled": _is_bool,
    "live.allowReplay": _is_bool,
    "live.latencySetting.enabled": _is_bool,
    "live.maxDuration": _at_least(-1),
    "live.maxInstanceLives": _at_least(-1),
    "live.maxUserLives": _at_least(-1),
    "live.transcoding.enabled": _is_bool,
    **{f"live.transcoding.resolutions.{key}": _is_bool for key in LIVE_RESOLUTIONS},
}
_MISSING = object()


def _field(body: dict[str, Any], path: str) -> Any:
    value: Any = body
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _validate(body: dict[str, Any]) -> None:
    invalid = {}
    for path, check in _REQUIRED.items():
        value = _field(body, path)
        if value is _MISSING or not check(value):
            invalid[path] = "Invalid value"
    for path, check in _OPTIONAL.items():
        value = _field(body, path)
        if value is not _MISSING and not check(value):
            invalid[path] = "Invalid value"
    profile = _field(body, "transcoding.profile")
    if profile is not _MISSING and profile not in plugins.available_vod_profiles():
        invalid["transcoding.profile"] = "Invalid value"  # PeerTube's: one of the available profiles
    if invalid:
        raise ValidationError(invalid)
    strategies = _field(body, "redundancy.videos.strategies")
    if strategies is not _MISSING:
        redundancy.check_strategies(strategies)  # Cirrus's: PeerTube sets them in its YAML file
    if body["signup"]["enabled"] and body["signup"]["requiresEmailVerification"]:
        # Cirrus sends no email yet, as a PeerTube without SMTP settings.
        raise BadRequestError("SMTP is not configured but you require signup email verification.")
    replays = _field(body, "live.enabled") is True and _field(body, "live.allowReplay") is True
    if replays and _field(body, "transcoding.enabled") is False:
        raise BadRequestError("You cannot allow live replay if transcoding is not enabled")
    hls, web = _field(body, "transcoding.hls.enabled"), _field(body, "transcoding.web_videos.enabled")
    if hls is False and web is False and _field(body, "transcoding.enabled") is not False:
        raise BadRequestError("You need to enable at least web_videos transcoding or hls transcoding")
