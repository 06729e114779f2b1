"""A local user: credentials, role, quotas and preferences. Its public face is an Actor."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from chalicelib.store.models.base import TableItem

ROLE_ADMINISTRATOR = 0
ROLE_MODERATOR = 1
ROLE_USER = 2


class User(TableItem, discriminator="User"):
    id = NumberAttribute()
    username = UnicodeAttribute()
    email = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    role = NumberAttribute(default=ROLE_USER)
    account_id = NumberAttribute()
    video_quota = NumberAttribute(default=-1)  # bytes; -1 is unlimited
    video_quota_daily = NumberAttribute(default=-1)
    video_quota_used = NumberAttribute(default=0)  # the largest file of each published video
    # Quotas (docs/data-model.md, U6): the declared size of each upload not yet published
    # nor released; per upload of the last 24 h (`<epoch seconds>:<video id>`), its bytes;
    # and a version that every change of these (and of `video_quota_used`) moves, which a
    # reservation is conditioned on.
    video_quota_reserved = NumberAttribute(default=0)
    daily_uploads = MapAttribute(null=True)  # type: ignore[var-annotated]
    quota_version = NumberAttribute(default=0)
    blocked = BooleanAttribute(default=False)
    blocked_reason = UnicodeAttribute(null=True)
    email_verified = BooleanAttribute(null=True)
    # A new address the user asked for, until they follow the link sent to it (PeerTube's
    # pendingEmail, when sign-up requires verified emails); `email` stays the old one meanwhile.
    pending_email = UnicodeAttribute(null=True)
    nsfw_policy = UnicodeAttribute(default="do_not_list")
    email_public = BooleanAttribute(default=False)
    p2p_enabled = BooleanAttribute(default=True)
    videos_history_enabled = BooleanAttribute(default=True)
    auto_play_video = BooleanAttribute(default=True)
    auto_play_next_video = BooleanAttribute(default=False)
    auto_play_next_video_playlist = BooleanAttribute(default=True)
    video_languages = ListAttribute(null=True)  # type: ignore[var-annotated]
    language = UnicodeAttribute(null=True)
    theme = UnicodeAttribute(default="instance-default")
    admin_flags = NumberAttribute(default=0)
    watch_later_id = NumberAttribute(null=True)  # the user's Watch later playlist (users/me)
    # PeerTube's UserNotificationSetting (bit fields, 1 web 2 email) once the user changed
    # them; None means PeerTube's defaults (domain/notifications/settings.py).
    notification_settings = MapAttribute(null=True)  # type: ignore[var-annotated]
    # How many browsers take Web Push for this user (store/web_push.py keeps it with them):
    # the notification fan-out queues pushes only for users who have some.
    push_subscriptions = NumberAttribute(default=0)
    # Two-factor login (domain/two_factor.py): the TOTP seed, sealed (store/sealed_keys.py),
    # and the last time step a code was accepted for, so that no code is accepted twice.
    otp_secret = UnicodeAttribute(null=True)
    otp_last_step = NumberAttribute(null=True)
    # PeerTube's feed token (GET /api/v1/users/scoped-tokens): a random UUID that lets a feed
    # reader fetch the user's subscriptions feed; made on first request, replaced on renewal.
    feed_token = UnicodeAttribute(null=True)
    no_instance_config_warning_modal = BooleanAttribute(default=False)
    no_welcome_modal = BooleanAttribute(default=False)
    no_account_setup_warning_modal = BooleanAttribute(default=False)
    created_at = UTCDateTimeAttribute()
    last_login_at = UTCDateTimeAttribute(null=True)
    # Set when the user's deletion is asked for: the user cannot log in nor be found, while
    # the work queue removes its videos, then the user (chalicelib/domain/deletions.py).
    deleting_at = UTCDateTimeAttribute(null=True)
