"""Video imports by URL (I1 in docs/data-model.md): one item each, moved between PeerTube's
import states by writes conditioned on the state they leave, so a duplicated work message or
a cancel racing a download never both win."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from pynamodb.exceptions import DeleteError, UpdateError

from chalicelib.store import keys
from chalicelib.store.models import VideoImport
from chalicelib.store.models.video_import import IMPORT_PENDING, IMPORT_PROCESSING, ImportsBackfill
from chalicelib.store.writes import is_condition_failure


def new_import(import_id: int, user_id: int, video_id: int, target_url: str | None, now: datetime) -> VideoImport:
    """An import item, not yet written: the video's creation writes it in its transaction."""
    item = VideoImport(
        keys.video_import_pk(import_id),
        keys.ENTITY_SK,
        id=import_id,
        user_id=user_id,
        video_id=video_id,
        target_url=target_url,
        state=IMPORT_PENDING,
        created_at=now,
        updated_at=now,
    )
    item.gsi1pk = keys.user_imports_gsi1pk(user_id)
    item.gsi1sk = keys.created_sort_key(now.isoformat(), import_id)
    return item


def get_import(import_id: int, *, consistent: bool = False) -> VideoImport | None:
    try:
        return VideoImport.get(keys.video_import_pk(import_id), keys.ENTITY_SK, consistent_read=consistent)
    except VideoImport.DoesNotExist:
        return None


def list_for_user(user_id: int, limit: int = 1000) -> list[VideoImport]:
    """I1: a user's imports, oldest first (one Query page per 1 MB; a user has few)."""
    query = VideoImport.by_gsi1.query(keys.user_imports_gsi1pk(user_id), limit=limit)
    found = [item for item in query if isinstance(item, VideoImport)]
    # The index projects the whole item, but may lag a moment: good enough for a listing.
    return found


def list_processing_since_before(before: datetime) -> list[VideoImport]:
    """I2: the imports processing whose download started before `before` (the sparse list
    of processing imports, by start; one Query page holds hundreds)."""
    query = VideoImport.by_gsi2.query(
        keys.PROCESSING_IMPORTS_GSI2PK, VideoImport.gsi2sk < keys.created_sort_key(before.isoformat(), 0)
    )
    return [item for item in query if isinstance(item, VideoImport)]


def start_actions(import_id: int, now: datetime) -> list[Any]:
    """A download starting now: the import goes on the processing list (I2) under `now`."""
    return [
        VideoImport.started_at.set(now),
        VideoImport.gsi2pk.set(keys.PROCESSING_IMPORTS_GSI2PK),
        VideoImport.gsi2sk.set(keys.created_sort_key(now.isoformat(), import_id)),
    ]


def move(
    item: VideoImport,
    from_states: Collection[int],
    to: int,
    now: datetime,
    actions: Sequence[Any] = (),
    *,
    runner: str | None = None,
    started_at: datetime | None = None,
) -> bool:
    """State `from_states` → `to` with `actions`; False when the import is no longer in one of
    `from_states` (or is gone), or, with `runner`, no longer with that runner, or, with
    `started_at`, no longer in the download that started then. Leaving processing takes it
    off the processing list (I2)."""
    condition = VideoImport.state.is_in(*from_states) & VideoImport.pk.exists()
    if runner is not None:
        condition &= VideoImport.runner == runner
    if started_at is not None:
        condition &= VideoImport.started_at == started_at
    unlisted = [] if to == IMPORT_PROCESSING else [VideoImport.gsi2pk.remove(), VideoImport.gsi2sk.remove()]
    try:
        item.update(
            actions=[VideoImport.state.set(to), VideoImport.updated_at.set(now), *actions, *unlisted],
            condition=condition,
        )
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def forget_video(item: VideoImport) -> None:
    """The import's video was deleted: the import stays, without it (PeerTube's SET NULL)."""
    try:
        item.update(actions=[VideoImport.video_id.remove()], condition=VideoImport.pk.exists())
    except UpdateError as exc:
        if not is_condition_failure(exc):
            raise


def delete_import(item: VideoImport, states: Collection[int]) -> bool:
    """Delete the import if it is still in one of `states`."""
    try:
        item.delete(condition=VideoImport.state.is_in(*states))
    except DeleteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def relist_processing(item: VideoImport) -> bool:
    """I3: an import processing since before the processing list (I2) existed joins it, under
    its download's start (its last write's time when it has none: the sweep's `abandon`
    names that start). Only if it is still processing and off the list; False otherwise."""
    started = item.started_at or item.updated_at
    actions: list[Any] = [
        VideoImport.started_at.set(started),
        VideoImport.gsi2pk.set(keys.PROCESSING_IMPORTS_GSI2PK),
        VideoImport.gsi2sk.set(keys.created_sort_key(started.isoformat(), int(item.id))),
    ]
    condition = (VideoImport.state == IMPORT_PROCESSING) & VideoImport.gsi2pk.does_not_exist()
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def get_backfill() -> ImportsBackfill | None:
    try:
        return ImportsBackfill.get(keys.IMPORTS_BACKFILL_PK, keys.ENTITY_SK, consistent_read=True)
    except ImportsBackfill.DoesNotExist:
        return None


def save_backfill(cursor: str | None, users_seen: int, relisted: int, done_at: datetime | None) -> None:
    """I4: where the backfill stands (a later run goes on from `cursor`); `done_at` ends it."""
    ImportsBackfill(
        keys.IMPORTS_BACKFILL_PK,
        keys.ENTITY_SK,
        cursor=cursor,
        users_seen=users_seen,
        relisted=relisted,
        done_at=done_at,
    ).save()
