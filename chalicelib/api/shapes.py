"""The JSON PeerTube clients expect for users, accounts and channels (key order included)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain.notifications import settings as notification_settings
from chalicelib.domain.roles import Role

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.store.models import Actor, User
    from chalicelib.store.models.actor import ActorImage


def iso(moment: datetime | None) -> str | None:
    """PeerTube's dates: ISO 8601 in UTC with milliseconds and a Z."""
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def images_json(images: Sequence[ActorImage], settings: Settings) -> list[dict[str, Any]]:
    """PeerTube's ActorImage list: sizes as uploaded, served from the media bucket."""
    return [
        {
            "height": int(image.height),
            "width": int(image.width),
            "path": f"/{image.path}",
            "fileUrl": f"{settings.instance_url}/{image.path}",
            "createdAt": iso(image.created_at),
            "updatedAt": iso(image.updated_at),
        }
        for image in images
    ]


def actor_host(actor: Actor, settings: Settings) -> str:
    return actor.host or settings.instance_host


def _actor_json(actor: Actor, settings: Settings) -> dict[str, Any]:
    """The actor part PeerTube spreads first into accounts and channels."""
    return {
        "url": actor.url,
        "name": actor.preferred_username,
        "host": actor_host(actor, settings),
        "avatars": images_json(actor.avatars or [], settings),
        "id": int(actor.id),
        "hostRedundancyAllowed": False,
        "followingCount": int(actor.following_count or 0),
        "followersCount": int(actor.followers_count or 0),
        "createdAt": iso(actor.created_at),
    }


def actor_json(actor: Actor, settings: Settings) -> dict[str, Any]:
    """PeerTube's bare Actor (follows list these)."""
    return {
        **_actor_json(actor, settings),
        "updatedAt": iso(actor.updated_at),
        "banners": images_json(actor.banners or [], settings),
    }


def account_json(account: Actor, settings: Settings) -> dict[str, Any]:
    body: dict[str, Any] = {
        **_actor_json(account, settings),
        "displayName": account.display_name,
        "description": account.description,
        "updatedAt": iso(account.updated_at),
    }
    if account.user_id is not None:
        body["userId"] = int(account.user_id)
    if account.moved_to:
        body["movedTo"] = account.moved_to  # a Cirrus extension: where a moved account went
    return body


def channel_json(channel: Actor, settings: Settings, owner: Actor | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        **_actor_json(channel, settings),
        "banners": images_json(channel.banners or [], settings),
        "displayName": channel.display_name,
        "description": channel.description,
        "support": channel.support,
        "isLocal": channel.is_local,
        "updatedAt": iso(channel.updated_at),
    }
    if owner is not None:
        body["ownerAccount"] = account_json(owner, settings)
    return body


def quota_usage(user: User) -> dict[str, int]:
    """PeerTube's UserVideoQuota: what counts against the quota now (published videos, and
    uploads on their way at their declared size), and what the last 24 hours' uploads use."""
    from chalicelib.store import quotas

    usage = quotas.usage(user, datetime.now(UTC))
    return {"videoQuotaUsed": usage.total, "videoQuotaUsedDaily": usage.daily}


def user_json(
    user: User,
    account: Actor,
    channels: Sequence[Actor],
    settings: Settings,
    *,
    me: bool = False,
    with_quota_used: bool = False,
    with_notification_settings: bool = True,
) -> dict[str, Any]:
    role = Role(int(user.role))
    body: dict[str, Any] = {
        "id": int(user.id),
        "username": user.username,
        "email": user.email,
        "theme": user.theme,
        "pendingEmail": user.pending_email,
        "emailPublic": bool(user.email_public),
        "emailVerified": user.email_verified,
        "nsfwPolicy": user.nsfw_policy,
        "nsfwFlagsDisplayed": 0,
        "nsfwFlagsHidden": 0,
        "nsfwFlagsWarned": 0,
        "nsfwFlagsBlurred": 0,
        "p2pEnabled": bool(user.p2p_enabled),
        "videosHistoryEnabled": bool(user.videos_history_enabled),
        "autoPlayVideo": bool(user.auto_play_video),
        "autoPlayNextVideo": bool(user.auto_play_next_video),
        "autoPlayNextVideoPlaylist": bool(user.auto_play_next_video_playlist),
        "videoLanguages": list(user.video_languages) if user.video_languages is not None else None,
        "language": user.language or "en",
        "role": {"id": int(role), "label": role.label},
        "videoQuota": int(user.video_quota),
        "videoQuotaDaily": int(user.video_quota_daily),
    }
    if with_quota_used:
        usage = quota_usage(user)
        body["totalVideoFileSize"] = int(user.video_quota_used)
        body["videoQuotaUsed"] = usage["videoQuotaUsed"]
        body["videoQuotaUsedDaily"] = usage["videoQuotaUsedDaily"]
    body.update(
        {
            "noInstanceConfigWarningModal": bool(user.no_instance_config_warning_modal),
            "noWelcomeModal": bool(user.no_welcome_modal),
            "noAccountSetupWarningModal": bool(user.no_account_setup_warning_modal),
            "blocked": bool(user.blocked),
            "blockedReason": user.blocked_reason,
            "account": account_json(account, settings),
        }
    )
    if with_notification_settings:
        body["notificationSettings"] = notification_settings.settings_of(user)
    body.update(
        {
            "videoChannels": [
                {**channel_json(channel, settings), "ownerAccountId": int(account.id)} for channel in channels
            ],
            "createdAt": iso(user.created_at),
            "pluginAuth": None,
            "lastLoginDate": iso(user.last_login_at),
            "twoFactorEnabled": user.otp_secret is not None,
            "newFeaturesInfoRead": 1,
        }
    )
    if me:
        body["videoChannelCollaborations"] = []
        body["specialPlaylists"] = (
            [{"id": int(user.watch_later_id), "name": "Watch later", "type": 2}] if user.watch_later_id else []
        )
    body["adminFlags"] = int(user.admin_flags)
    return body
