"""User use cases: sign-up, self-service, and administration, with PeerTube's rules.

Each function validates its input completely before writing anything, so a refused request
leaves nothing behind; the writes themselves are single transactions in the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain import deletions, lives, passwords, themes, validation
from chalicelib.domain.accounts import ROOT_USERNAME, ChannelRequest, CreatedUser, NewUser, create_local_user
from chalicelib.domain.roles import Role, can_manage
from chalicelib.domain.validation import Checks
from chalicelib.errors import (
    BadRequestError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UnauthorizedError,
    ValidationError,
)
from chalicelib.store import actors, tokens, users

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.store.models import Actor, OAuthToken, User

CANNOT_MANAGE = "Users can only be managed by moderators or admins."
ROLE_CHANGED = "The role of this user changed meanwhile; try again."


@dataclass(frozen=True)
class UserView:
    """A user with what its JSON needs: the account and its channels."""

    user: User
    account: Actor
    channels: list[Actor]


def load_view(user: User) -> UserView:
    account = actors.get_actor(int(user.account_id))
    if account is None:
        raise NotFoundError("User not found")
    return UserView(user, account, actors.list_account_channels(int(account.id)))


def get_user_or_404(user_id: str) -> User:
    if not user_id.isdigit():
        raise ValidationError({"id": "Should have a valid id"})
    user = users.get_user(int(user_id))
    if user is None or user.deleting_at is not None:
        raise NotFoundError("User not found")
    return user


# Administration ----------------------------------------------------------------------------


def admin_create(settings: Settings, caller: User, body: dict[str, Any], now: datetime) -> CreatedUser:
    checks = Checks()
    checks.require(body, "username", validation.check_username)
    checks.require(body, "password", validation.check_password)
    checks.require(body, "email", validation.check_email)
    checks.require(body, "role", validation.check_role)
    checks.optional(body, "videoQuota", validation.check_quota)
    checks.optional(body, "videoQuotaDaily", validation.check_quota)
    checks.optional(body, "adminFlags", validation.check_integer)
    checks.optional(body, "channelName", validation.check_channel_name)
    checks.raise_if_any()
    role = Role(int(body["role"]))
    check_can_assign(caller, role, "You can only create users (and not administrators or moderators)")
    channel_name = body.get("channelName")
    request = NewUser(
        username=body["username"],
        password=body["password"],
        email=body["email"],
        role=role,
        channel=ChannelRequest(channel_name, channel_name) if channel_name else None,
        video_quota=int(body.get("videoQuota", settings.user_defaults.video_quota)),
        video_quota_daily=int(body.get("videoQuotaDaily", settings.user_defaults.video_quota_daily)),
        admin_flags=int(body.get("adminFlags", 0)),
    )
    return create_local_user(settings, request, now)


def admin_update(caller: User, target: User, body: dict[str, Any]) -> None:
    checks = Checks()
    checks.optional(body, "password", validation.check_password)
    checks.optional(body, "email", validation.check_email)
    checks.optional(body, "emailVerified", validation.check_boolean)
    checks.optional(body, "videoQuota", validation.check_quota)
    checks.optional(body, "videoQuotaDaily", validation.check_quota)
    checks.optional(body, "role", validation.check_role)
    checks.optional(body, "adminFlags", validation.check_integer)
    checks.raise_if_any()
    if target.username == ROOT_USERNAME and "role" in body and int(body["role"]) != int(target.role):
        raise BadRequestError("Cannot change root role.")
    check_can_manage(caller, target)
    if "role" in body:
        check_can_assign(caller, Role(int(body["role"])), "You can only give the user role (not admin or moderator)")
    if "email" in body and body["email"].lower() != target.email.lower():
        users.change_email(target, body["email"], same_role=True)
    changed: list[str] = []
    revoke_sessions = False
    if "password" in body:
        target.password_hash = passwords.hash_password(body["password"])
        changed.append("password_hash")
        revoke_sessions = True
    for field, attribute in (
        ("emailVerified", "email_verified"),
        ("videoQuota", "video_quota"),
        ("videoQuotaDaily", "video_quota_daily"),
        ("adminFlags", "admin_flags"),
    ):
        if field in body:
            value = body[field]
            setattr(target, attribute, value if isinstance(value, bool) else int(value))
            changed.append(attribute)
    if "role" in body and int(body["role"]) != int(target.role):
        # Conditioned on the role read: the counters move once, and a change decided on a
        # role that is no longer the user's is not applied.
        if not users.change_role(target, int(body["role"]), also=changed):
            raise ConflictError(ROLE_CHANGED)
        revoke_sessions = True
    elif changed and not users.update_user(target, changed, same_role=True):
        raise ConflictError(ROLE_CHANGED)
    if revoke_sessions:
        tokens.revoke_all(int(target.id))


def admin_delete(caller: User, target: User) -> None:
    if target.username == ROOT_USERNAME:
        raise BadRequestError("Cannot remove the root user")
    check_can_manage(caller, target)
    delete_user(target)


def set_blocked(caller: User, target: User, blocked: bool, body: dict[str, Any]) -> None:
    checks = Checks()
    if blocked:
        checks.optional(body, "reason", validation.check_block_reason)
    checks.raise_if_any()
    if target.username == ROOT_USERNAME:
        raise BadRequestError(f"Cannot {'block' if blocked else 'unblock'} the root user")
    check_can_manage(caller, target)
    target.blocked = blocked
    target.blocked_reason = (body.get("reason") or None) if blocked else None
    if not users.update_user(target, ["blocked", "blocked_reason"], same_role=True):
        raise ConflictError(ROLE_CHANGED)
    # A blocked user is logged out everywhere; unblocking does not log anyone in.
    tokens.revoke_all(int(target.id))
    # Nor may a blocked user's encoder stream (PeerTube refuses it at publish).
    lives.mark_owner_blocked(int(target.account_id), blocked)


def check_can_assign(caller: User, role: Role, message: str) -> None:
    """Only administrators hand out a role with rights: checked against the role being given,
    since the target's current role says nothing about what it is about to become."""
    if role != Role.USER and Role(int(caller.role)) != Role.ADMINISTRATOR:
        raise ForbiddenError(message)


def check_can_manage(caller: User, target: User) -> None:
    if not can_manage(Role(int(caller.role)), Role(int(target.role))):
        raise ForbiddenError(CANNOT_MANAGE)


# Self-service ------------------------------------------------------------------------------

ME_BOOLEANS = {
    "emailPublic": "email_public",
    "p2pEnabled": "p2p_enabled",
    "autoPlayVideo": "auto_play_video",
    "autoPlayNextVideo": "auto_play_next_video",
    "autoPlayNextVideoPlaylist": "auto_play_next_video_playlist",
    "videosHistoryEnabled": "videos_history_enabled",
    "noInstanceConfigWarningModal": "no_instance_config_warning_modal",
    "noWelcomeModal": "no_welcome_modal",
    "noAccountSetupWarningModal": "no_account_setup_warning_modal",
}


def update_me(
    user: User,
    account: Actor,
    body: dict[str, Any],
    now: datetime,
    own_token: OAuthToken,
    *,
    verify_new_email: bool = False,
) -> None:
    """PUT /users/me. A password or email change needs the current password, and a password
    change ends every other session (a stolen one must not outlive it); `own_token`, the caller's
    own session, stays, as PeerTube does not log the caller out here. With `verify_new_email`
    (sign-up requires verified emails), a new address waits as `pendingEmail` until the user
    follows the link sent to it, as PeerTube does; the old one stays meanwhile."""
    if "password" in body or "email" in body:
        _require_current_password(user, body)
    _check_me(body)

    changed: list[str] = []
    pending = "email" in body and _change_email(user, body["email"], verify_new_email)
    if pending:
        changed.append("pending_email")
    if "password" in body:
        user.password_hash = passwords.hash_password(body["password"])
        changed.append("password_hash")
    if "nsfwPolicy" in body:
        user.nsfw_policy = body["nsfwPolicy"]
        changed.append("nsfw_policy")
    if "videoLanguages" in body:
        user.video_languages = body["videoLanguages"]
        changed.append("video_languages")
    if "theme" in body:
        user.theme = body["theme"]
        changed.append("theme")
    for field, attribute in ME_BOOLEANS.items():
        if field in body:
            setattr(user, attribute, body[field])
            changed.append(attribute)
    if changed:
        users.update_user(user, changed)
    if pending:
        from chalicelib.domain.mail import flows

        flows.queue_verification(user, pending=True)
    if "password" in body:
        tokens.revoke_all(int(user.id), keep=own_token)
    if "displayName" in body or "description" in body:
        account.display_name = body.get("displayName", account.display_name)
        account.description = body.get("description", account.description)
        account.updated_at = now
        actors.update_actor(account, ["display_name", "description", "updated_at"])


def _check_me(body: dict[str, Any]) -> None:
    checks = Checks()
    checks.optional(body, "password", validation.check_password)
    checks.optional(body, "email", validation.check_email)
    checks.optional(body, "displayName", validation.check_display_name)
    checks.optional(body, "description", validation.check_description)
    checks.optional(body, "nsfwPolicy", validation.check_nsfw_policy)
    if "theme" in body and not themes.is_registered(body["theme"]):
        checks.add("theme", "Should have a valid theme")
    for field in ME_BOOLEANS:
        checks.optional(body, field, validation.check_boolean)
    if "videoLanguages" in body and not (
        body["videoLanguages"] is None
        or (isinstance(body["videoLanguages"], list) and all(isinstance(x, str) for x in body["videoLanguages"]))
    ):
        checks.add("videoLanguages", "Should have a valid video languages array")
    checks.raise_if_any()


def _change_email(user: User, email: str, verify_new_email: bool) -> bool:
    """A new address: the user's at once, or pending (set on `user`, True) until verified."""
    if email.lower() == user.email.lower():
        return False
    if not verify_new_email:
        users.change_email(user, email)
        return False
    if users.find_user_by_login(email) is not None:
        raise ConflictError(users.EMAIL_TAKEN)
    user.pending_email = email
    return True


def _require_current_password(user: User, body: dict[str, Any]) -> None:
    current = body.get("currentPassword")
    if not current:
        raise BadRequestError("currentPassword parameter is missing")
    if not isinstance(current, str) or not passwords.verify_password(current, user.password_hash):
        raise UnauthorizedError("currentPassword is invalid.", code="current_password_is_invalid")


def delete_me(user: User) -> None:
    if user.username == ROOT_USERNAME:
        raise BadRequestError("You cannot delete your root account.")
    delete_user(user)


def delete_user(user: User) -> None:
    """The user is gone at once (no login, no lists); its videos, account and channels are
    removed by the work queue (domain/deletions.py), as many as there are."""
    deletions.request_user_deletion(user, datetime.now(UTC))
