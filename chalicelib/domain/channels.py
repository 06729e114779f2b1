"""Channel use cases: create, update, delete, with PeerTube's ownership rules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain import deletions, validation
from chalicelib.domain.accounts import check_not_reserved, new_local_actor
from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.domain.validation import Checks
from chalicelib.errors import BadRequestError, ConflictError, ForbiddenError, NotFoundError
from chalicelib.store import actors, channel_collaborators

if TYPE_CHECKING:
    from chalicelib.config import Settings
    from chalicelib.store.models import Actor, User

CHANNEL_NOT_FOUND = "Video channel not found"
ACCOUNT_NOT_FOUND = "Account not found"
NOT_LOCAL = "The channel must be local."


def find_local_actor_by_handle(settings: Settings, handle: str, actor_types: tuple[str, ...]) -> Actor | None:
    """`name` or `name@host` for this instance's host; remote handles come with federation."""
    name, _, host = handle.partition("@")
    if host and host.lower() != settings.instance_host.lower():
        return None
    actor = actors.find_local_actor(name)
    if actor is None or actor.actor_type not in actor_types or actor.deleting_at is not None:
        return None
    return actor


def get_channel_or_404(settings: Settings, handle: str) -> Actor:
    channel = find_local_actor_by_handle(settings, handle, ("Group",))
    if channel is None:
        raise NotFoundError(CHANNEL_NOT_FOUND)
    return channel


def get_account_or_404(settings: Settings, handle: str) -> Actor:
    account = find_local_actor_by_handle(settings, handle, ("Person", "Application"))
    if account is None:
        raise NotFoundError(ACCOUNT_NOT_FOUND)
    return account


def create_channel(settings: Settings, user: User, body: dict[str, Any], now: datetime) -> Actor:
    checks = Checks()
    checks.require(body, "name", validation.check_channel_name)
    checks.require(body, "displayName", validation.check_display_name)
    checks.optional(body, "description", validation.check_description)
    checks.optional(body, "support", validation.check_description)
    checks.raise_if_any()
    name = body["name"]
    check_not_reserved(name)
    if actors.name_taken(name):
        raise ConflictError(actors.NAME_TAKEN.format(name=name))
    limit = settings.user_defaults.max_channels
    if actors.count_account_channels(int(user.account_id)) >= limit:
        raise BadRequestError(f"You cannot create more than {limit} channels")
    channel = new_local_actor(
        settings,
        "Group",
        name,
        body["displayName"],
        now,
        account_id=int(user.account_id),
        description=body.get("description"),
        support=body.get("support"),
    )
    actors.create_channel(channel)
    return channel


def update_channel(user: User, channel: Actor, body: dict[str, Any], now: datetime) -> None:
    check_can_manage(user, channel)
    checks = Checks()
    checks.optional(body, "displayName", validation.check_display_name)
    checks.optional(body, "description", validation.check_description)
    checks.optional(body, "support", validation.check_description)
    checks.optional(body, "bulkVideosSupportUpdate", validation.check_boolean)
    checks.raise_if_any()
    changed = ["updated_at"]
    for field, attribute in (("displayName", "display_name"), ("description", "description"), ("support", "support")):
        if field in body:
            setattr(channel, attribute, body[field])
            changed.append(attribute)
    channel.updated_at = now
    actors.update_actor(channel, changed)


def delete_channel(user: User, channel: Actor) -> None:
    """The channel is gone at once; its videos, then the channel, are removed by the work
    queue (domain/deletions.py). Channels already being deleted do not count as left."""
    check_is_owner(user, channel)
    remaining = [c for c in actors.list_account_channels(int(channel.account_id or 0)) if c.deleting_at is None]
    if len(remaining) <= 1:
        raise ConflictError("Cannot remove the last channel of this user")
    deletions.request_channel_deletion(channel, datetime.now(UTC))


def check_can_manage(user: User, channel: Actor) -> None:
    """PeerTube 8's checkCanManageChannel: the owner, whoever may manage any channel, or an
    accepted collaborator (one GetItem, only when the first two fail)."""
    if not _owner_or_staff(user, channel) and not channel_collaborators.is_accepted(
        int(channel.id), int(user.account_id)
    ):
        raise ForbiddenError("This user cannot manage this channel")
    if not _is_local(channel):
        raise ForbiddenError(NOT_LOCAL)


def check_is_owner(user: User, channel: Actor) -> None:
    """What only the owner may do (delete the channel, invite collaborators): collaborators may not."""
    _check_owner(user, channel, "This user has not owner rights on this channel")


def _check_owner(user: User, channel: Actor, refusal: str) -> None:
    """Owners, and whoever may manage any channel (moderators, administrators)."""
    if not _owner_or_staff(user, channel):
        raise ForbiddenError(refusal)
    if not _is_local(channel):
        raise ForbiddenError(NOT_LOCAL)


def _owner_or_staff(user: User, channel: Actor) -> bool:
    return _owns(user, channel) or has_right(Role(int(user.role)), Right.MANAGE_ANY_VIDEO_CHANNEL)


def _is_local(channel: Actor) -> bool:
    return bool(channel.is_local)


def _owns(user: User, channel: Actor) -> bool:
    return channel.account_id is not None and int(channel.account_id) == int(user.account_id)
