"""Video ownership changes (O1 in docs/data-model.md): one item each, moved from WAITING to
ACCEPTED or REFUSED by a write conditioned on WAITING, so an accept and a refuse racing
never both win; an accepted change moves the video and its owners' quota in the same
transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.store import keys, quotas
from chalicelib.store.models import OwnershipChange, User, Video
from chalicelib.store.models.ownership_change import OWNERSHIP_ACCEPTED, OWNERSHIP_WAITING
from chalicelib.store.writes import connection, is_condition_failure


def create_change(change_id: int, video_id: int, initiator: int, next_owner: int, now: datetime) -> OwnershipChange:
    item = OwnershipChange(
        keys.ownership_change_pk(change_id),
        keys.ENTITY_SK,
        id=change_id,
        video_id=video_id,
        initiator_account_id=initiator,
        next_owner_account_id=next_owner,
        status=OWNERSHIP_WAITING,
        created_at=now,
        updated_at=now,
    )
    item.gsi1pk = keys.account_ownership_changes_gsi1pk(next_owner)
    item.gsi1sk = keys.created_sort_key(now.isoformat(), change_id)
    item.gsi2pk = keys.account_sent_ownership_changes_gsi2pk(initiator)
    item.gsi2sk = item.gsi1sk
    try:
        item.save(condition=OwnershipChange.pk.does_not_exist())
    except PutError as exc:
        if not is_condition_failure(exc):
            raise
    return item


def get_change(change_id: int, *, consistent: bool = False) -> OwnershipChange | None:
    try:
        return OwnershipChange.get(keys.ownership_change_pk(change_id), keys.ENTITY_SK, consistent_read=consistent)
    except OwnershipChange.DoesNotExist:
        return None


def list_offered(account_id: int, limit: int = 1000) -> list[OwnershipChange]:
    """O1: the changes offered to an account, oldest first (an account has few)."""
    query = OwnershipChange.by_gsi1.query(keys.account_ownership_changes_gsi1pk(account_id), limit=limit)
    return [item for item in query if isinstance(item, OwnershipChange)]


def list_sent(account_id: int, limit: int = 1000) -> list[OwnershipChange]:
    """O2: the changes an account offered, oldest first."""
    query = OwnershipChange.by_gsi2.query(keys.account_sent_ownership_changes_gsi2pk(account_id), limit=limit)
    return [item for item in query if isinstance(item, OwnershipChange)]


def end(change: OwnershipChange, status: str, now: datetime) -> bool:
    """WAITING → `status`; False if the change was ended meanwhile (or is gone)."""
    try:
        change.update(
            actions=[OwnershipChange.status.set(status), OwnershipChange.updated_at.set(now)],
            condition=OwnershipChange.status == OWNERSHIP_WAITING,
        )
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def accept(
    change: OwnershipChange,
    video: Video,
    channel_id: int,
    new_owner: User,
    counted_size: int,
    now: datetime,
) -> bool:
    """The change accepted and the video moved to `channel_id` of `new_owner`'s account, with
    what the video holds on its owner's quota moved from the old owner to the new one:
    `counted_size` (what its publication counted), or, for a video still on its way, its
    upload's reservation; and its daily entry if still on its way or uploaded in the last 24
    hours (`quotas.hand_over_actions`). One transaction
    conditioned on the change still waiting, the video still the old owner's and holding the
    reservation read, and the new owner's quota figures as read. False if any of them moved."""
    video_actions: list[Any] = [
        Video.channel_id.set(channel_id),
        Video.account_id.set(int(new_owner.account_id)),
        Video.user_id.set(int(new_owner.id)),
        Video.updated_at.set(now),
    ]
    video_condition = Video.account_id == int(video.account_id)
    if video.quota_reserved:
        video_condition &= Video.quota_reserved == int(video.quota_reserved)
    moves = video.user_id is not None and int(video.user_id) != int(new_owner.id)
    given, taken = quotas.hand_over_actions(video, new_owner, counted_size, now) if moves else ([], [])
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.update(
                change,
                actions=[OwnershipChange.status.set(OWNERSHIP_ACCEPTED), OwnershipChange.updated_at.set(now)],
                condition=OwnershipChange.status == OWNERSHIP_WAITING,
            )
            transaction.update(video, actions=video_actions, condition=video_condition)
            if given:
                old = User(keys.user_pk(int(video.user_id or 0)), keys.ENTITY_SK)
                transaction.update(old, actions=given)
            if taken:
                version = int(new_owner.quota_version or 0)
                unchanged = User.quota_version == version
                if version == 0:
                    unchanged |= User.quota_version.does_not_exist()
                transaction.update(new_owner, actions=taken, condition=User.pk.exists() & unchanged)
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True
