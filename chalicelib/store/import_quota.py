"""What an import's video holds on its owner's quota while the import downloads (U8 in
docs/data-model.md). An import's video is created holding 0 bytes (its entry in the owner's
daily window included); once the file's size is known the download sets what it holds to
that size, and to the exact size once fetched. From then on the reservation is an upload's:
publication converts it, a failure or a deletion gives it back.

Setting the held size is one transaction of two updates: the owner's reserved bytes move by
the difference and its daily entry becomes the size, conditioned (when growing) on the
owner's quota figures being those the check read (`quota_version`, as an upload's
reservation); the video's `quota_reserved` becomes the size, conditioned on its importing
stage and on what it held as read. A repeated message that sets the same size writes
nothing; two imports cannot both pass on the same figures; a video deleted meanwhile (which
gives back what it held as its delete read it, conditioned on that too) is left alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.store import keys, quotas
from chalicelib.store.models import User, Video
from chalicelib.store.models.video_stages import STAGE_IMPORTING
from chalicelib.store.writes import connection

if TYPE_CHECKING:
    from pynamodb.expressions.condition import Condition


def held(video: Video) -> int:
    return int(video.quota_reserved or 0)


def held_condition(video: Video) -> Condition:
    """The video still holds what it held when read."""
    amount = held(video)
    condition: Condition = (
        Video.quota_reserved == amount
        if amount
        else Video.quota_reserved.does_not_exist() | (Video.quota_reserved == 0)
    )
    return condition


def hold(video: Video, owner: User | None, size: int) -> bool:
    """`video` (importing) holds `size` bytes on its owner from now on. `owner`, as read for
    the check, when the reservation grows (QuotaChanged if its figures moved since); None to
    shrink or release, which needs no check. False when the video is no longer importing or
    holds something else than it did when read (read it again). `video` is updated."""
    before = held(video)
    if size == before:
        return True
    owner_actions: list[Any] = [User.video_quota_reserved.add(size - before), User.quota_version.add(1)]
    if video.quota_key:
        owner_actions.append(User.daily_uploads[str(video.quota_key)].set(size))
    owner_condition = quotas.unchanged(owner) if owner is not None else User.pk.exists()
    target = User(keys.user_pk(int(video.user_id or 0)), keys.ENTITY_SK)
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.update(
                video,
                actions=[Video.quota_reserved.set(size)],
                condition=(Video.stage == STAGE_IMPORTING) & held_condition(video),
            )
            transaction.update(target, actions=owner_actions, condition=owner_condition)
    except TransactWriteError as exc:
        reasons = exc.cancellation_reasons or []
        failed = [reason is not None and reason.code == "ConditionalCheckFailed" for reason in reasons]
        if failed and failed[0]:
            return False
        if len(failed) > 1 and failed[1]:
            if owner is None:
                return False  # the owner is gone: nothing to give back to
            raise quotas.QuotaChanged from exc
        raise
    video.quota_reserved = size
    return True
