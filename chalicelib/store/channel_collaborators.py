"""Channel collaborators (CC1-CC3 in docs/data-model.md): one item per channel and invited
account. State moves are conditional writes, so an accept and a reject racing never both
win, and an invitation never overwrites a pending or accepted one."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import PutError, UpdateError

from chalicelib.store import keys
from chalicelib.store.models import ChannelCollaborator
from chalicelib.store.models.channel_collaborator import (
    COLLABORATOR_ACCEPTED,
    COLLABORATOR_PENDING,
    COLLABORATOR_REJECTED,
)
from chalicelib.store.writes import is_condition_failure


def get(channel_id: int, account_id: int, *, consistent: bool = False) -> ChannelCollaborator | None:
    """CC1: this account's invitation to this channel, whatever its state."""
    try:
        return ChannelCollaborator.get(
            keys.channel_collaborators_pk(channel_id),
            keys.channel_collaborator_sk(account_id),
            consistent_read=consistent,
        )
    except ChannelCollaborator.DoesNotExist:
        return None


def is_accepted(channel_id: int, account_id: int) -> bool:
    found = get(channel_id, account_id)
    return found is not None and int(found.state) == COLLABORATOR_ACCEPTED


def list_for_channel(channel_id: int, *, consistent: bool = False) -> list[ChannelCollaborator]:
    """CC2: every invitation of a channel (a channel has at most a few dozen)."""
    query = ChannelCollaborator.query(keys.channel_collaborators_pk(channel_id), consistent_read=consistent)
    return [item for item in query if isinstance(item, ChannelCollaborator)]


def list_for_account(account_id: int, limit: int = 1000) -> list[ChannelCollaborator]:
    """CC3: the channels an account was invited to, oldest invitation first."""
    query = ChannelCollaborator.by_gsi1.query(keys.account_collaborations_gsi1pk(account_id), limit=limit)
    return [item for item in query if isinstance(item, ChannelCollaborator)]


def invite(collaborator_id: int, channel_id: int, account_id: int, now: datetime) -> ChannelCollaborator | None:
    """A pending invitation, replacing a rejected one (PeerTube lets a refused account be
    invited again); None if the account is already invited or a collaborator."""
    item = ChannelCollaborator(
        keys.channel_collaborators_pk(channel_id),
        keys.channel_collaborator_sk(account_id),
        id=collaborator_id,
        channel_id=channel_id,
        account_id=account_id,
        state=COLLABORATOR_PENDING,
        created_at=now,
        updated_at=now,
    )
    item.gsi1pk = keys.account_collaborations_gsi1pk(account_id)
    item.gsi1sk = keys.created_sort_key(now.isoformat(), collaborator_id)
    try:
        item.save(
            condition=ChannelCollaborator.pk.does_not_exist() | (ChannelCollaborator.state == COLLABORATOR_REJECTED)
        )
    except PutError as exc:
        if is_condition_failure(exc):
            return None
        raise
    return item


def answer(item: ChannelCollaborator, state: int, now: datetime) -> bool:
    """PENDING → ACCEPTED or REJECTED; False if it was answered, replaced or removed meanwhile."""
    try:
        item.update(
            actions=[ChannelCollaborator.state.set(state), ChannelCollaborator.updated_at.set(now)],
            condition=(ChannelCollaborator.state == COLLABORATOR_PENDING) & (ChannelCollaborator.id == int(item.id)),
        )
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def remove(item: ChannelCollaborator) -> None:
    """Idempotent: removing what is already gone is fine."""
    item.delete()
