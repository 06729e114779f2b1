"""Channel collaborators (PeerTube 8): a channel's owner invites local accounts to help run
it; an account that accepts may then manage the channel and its videos as the owner does,
except deleting the channel, inviting others, and changing its ownership.

PeerTube's rules (its video-channel-collaborators validators and controller):
- listing: whoever may manage the channel (its owner, an accepted collaborator, a user with
  MANAGE_ANY_VIDEO_CHANNEL), the channel local;
- inviting (`accountHandle`, a local account): the channel's owner only (or that right);
  not the inviter's own account (400); an account already invited or collaborating (409);
  at most `video_channels.max_collaborators_per_channel` (400); a rejected account may be
  invited again;
- answering: the invitation must be pending (400) and the caller's own (400);
- removing: the collaborator themselves, or the channel's owner.
The invited account hears of the invitation, and the channel's owner of the answer
(notifications 23, 24 and 25).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.domain import events
from chalicelib.domain.channels import check_can_manage, check_is_owner, find_local_actor_by_handle
from chalicelib.domain.roles import Right, Role, has_right
from chalicelib.errors import BadRequestError, ConflictError, NotFoundError, ValidationError
from chalicelib.store import channel_collaborators, counters
from chalicelib.store.models.channel_collaborator import (
    COLLABORATOR_ACCEPTED,
    COLLABORATOR_PENDING,
    COLLABORATOR_REJECTED,
    COLLABORATOR_STATE_LABELS,
)

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.config import Settings
    from chalicelib.store.models import Actor, ChannelCollaborator, User

# PeerTube's default for video_channels.max_collaborators_per_channel (config/default.yaml).
MAX_COLLABORATORS_PER_CHANNEL = 20

NOT_FOUND = "Channel collaborator does not exist"
SELF_INVITE = "Cannot invite the account owner of the channel to collaborate"
ALREADY = "This account is already a collaborator or has a pending invitation for this channel"
NOT_PENDING = "Collaborator is not in pending state"
NOT_YOU = "Collaborator is not the current user"


def list_collaborators(user: User, channel: Actor) -> list[ChannelCollaborator]:
    """The channel's pending and accepted collaborators, newest first."""
    check_can_manage(user, channel)
    found = channel_collaborators.list_for_channel(int(channel.id))
    shown = [c for c in found if int(c.state) != COLLABORATOR_REJECTED]
    return sorted(shown, key=lambda c: (c.created_at, int(c.id)), reverse=True)


def invite(settings: Settings, user: User, channel: Actor, body: dict[str, Any], now: datetime) -> ChannelCollaborator:
    handle = body.get("accountHandle")
    if not isinstance(handle, str) or not handle:
        raise ValidationError({"accountHandle": "Invalid value"})
    check_is_owner(user, channel)
    account = find_local_actor_by_handle(settings, handle, ("Person",))
    if account is None:
        raise NotFoundError("Account not found")
    if int(account.id) in (int(user.account_id), int(channel.account_id or 0)):
        raise BadRequestError(SELF_INVITE)
    existing = channel_collaborators.list_for_channel(int(channel.id), consistent=True)
    if any(int(c.account_id) == int(account.id) and int(c.state) != COLLABORATOR_REJECTED for c in existing):
        raise ConflictError(ALREADY)
    if sum(1 for c in existing if int(c.state) != COLLABORATOR_REJECTED) >= MAX_COLLABORATORS_PER_CHANNEL:
        raise BadRequestError(
            f"The maximum number of collaborators for this channel ({MAX_COLLABORATORS_PER_CHANNEL}) has been reached"
        )
    invited = channel_collaborators.invite(
        counters.next_id("channel-collaborator"), int(channel.id), int(account.id), now
    )
    if invited is None:  # invited by someone else between the read and the write
        raise ConflictError(ALREADY)
    events.emit(events.CollaboratorChanged(invited))
    return invited


def answer(user: User, channel: Actor, collaborator_id: str, accepted: bool, now: datetime) -> None:
    found = _find(channel, collaborator_id)
    if int(found.state) != COLLABORATOR_PENDING:
        raise BadRequestError(NOT_PENDING)
    if int(found.account_id) != int(user.account_id):
        raise BadRequestError(NOT_YOU)
    state = COLLABORATOR_ACCEPTED if accepted else COLLABORATOR_REJECTED
    if not channel_collaborators.answer(found, state, now):
        raise BadRequestError(NOT_PENDING)
    found.state = state
    found.updated_at = now
    events.emit(events.CollaboratorChanged(found))


def remove(user: User, channel: Actor, collaborator_id: str) -> None:
    """The collaborator leaves, or the owner (or a user with MANAGE_ANY_VIDEO_CHANNEL) removes them."""
    found = _find(channel, collaborator_id)
    themselves = int(found.account_id) == int(user.account_id)
    if themselves or has_right(Role(int(user.role)), Right.MANAGE_ANY_VIDEO_CHANNEL):
        check_can_manage(user, channel)
    else:
        check_is_owner(user, channel)
    channel_collaborators.remove(found)


def is_collaborator(user: User, channel: Actor) -> bool:
    """An accepted collaborator of this channel (one GetItem)."""
    return channel_collaborators.is_accepted(int(channel.id), int(user.account_id))


def collaborated_channel_ids(account_id: int) -> frozenset[int]:
    """The channels an account is an accepted collaborator of (one Query)."""
    found = channel_collaborators.list_for_account(account_id)
    return frozenset(int(c.channel_id) for c in found if int(c.state) == COLLABORATOR_ACCEPTED)


def state_json(collaborator: ChannelCollaborator) -> dict[str, Any]:
    state = int(collaborator.state)
    return {"id": state, "label": COLLABORATOR_STATE_LABELS.get(state, "Unknown")}


def _find(channel: Actor, collaborator_id: str) -> ChannelCollaborator:
    wanted = int(collaborator_id) if collaborator_id.isdigit() else None
    if wanted is None:
        raise ValidationError({"collaboratorId": "Invalid value"}, location="params")
    for item in channel_collaborators.list_for_channel(int(channel.id), consistent=True):
        if int(item.id) == wanted:
            return item
    raise NotFoundError(NOT_FOUND)
