"""Channel synchronisations (CS1-CS3 in docs/data-model.md): the sync items, moved between
PeerTube's states by writes conditioned on the state they leave, and the marks of the
external videos each channel has imported."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.store import keys
from chalicelib.store.models import ChannelImportedUrl, ChannelSync, VideoImport
from chalicelib.store.models.channel_sync import SYNC_PROCESSING, SYNC_WAITING_FIRST_RUN
from chalicelib.store.writes import connection, is_condition_failure


def new_sync(sync_id: int, channel_id: int, account_id: int, url: str, now: datetime) -> ChannelSync:
    item = ChannelSync(
        keys.channel_sync_pk(sync_id),
        keys.ENTITY_SK,
        id=sync_id,
        channel_id=channel_id,
        account_id=account_id,
        external_channel_url=url,
        state=SYNC_WAITING_FIRST_RUN,
        created_at=now,
    )
    item.gsi1pk = keys.account_channel_syncs_gsi1pk(account_id)
    item.gsi1sk = keys.created_sort_key(now.isoformat(), sync_id)
    item.gsi2pk = keys.ALL_CHANNEL_SYNCS_GSI2PK
    item.gsi2sk = keys.numbered_sk(sync_id)
    item.save(condition=ChannelSync.pk.does_not_exist())
    return item


def get_sync(sync_id: int, *, consistent: bool = False) -> ChannelSync | None:
    try:
        return ChannelSync.get(keys.channel_sync_pk(sync_id), keys.ENTITY_SK, consistent_read=consistent)
    except ChannelSync.DoesNotExist:
        return None


def list_for_account(account_id: int, limit: int = 1000) -> list[ChannelSync]:
    """CS1: an account's syncs, oldest first (PeerTube allows 10 per user)."""
    query = ChannelSync.by_gsi1.query(keys.account_channel_syncs_gsi1pk(account_id), limit=limit)
    return [item for item in query if isinstance(item, ChannelSync)]


def list_all() -> list[ChannelSync]:
    """CS2: every sync of the instance, for the hourly check (one Query)."""
    query = ChannelSync.by_gsi2.query(keys.ALL_CHANNEL_SYNCS_GSI2PK)
    return [item for item in query if isinstance(item, ChannelSync)]


def move(item: ChannelSync, from_states: Collection[int], to: int, actions: Sequence[Any] = ()) -> bool:
    """State `from_states` → `to` with `actions`; False when the sync is in another state or gone."""
    condition = ChannelSync.state.is_in(*from_states) & ChannelSync.pk.exists()
    try:
        item.update(actions=[ChannelSync.state.set(to), *actions], condition=condition)
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def start_run_actions(run: str) -> list[Any]:
    """A new run: nothing counted yet (its listing holds it open until it ends)."""
    return [
        ChannelSync.run.set(run),
        ChannelSync.listing_done.remove(),
        ChannelSync.imports_left.set(0),
        ChannelSync.imports_failed.set(0),
    ]


def end_listing(sync_id: int, run: str, started: int, refused: int) -> ChannelSync | None:
    """CS4: the run's listing started `started` imports (and could not start `refused`):
    they are to end. The sync as written, or None if another run began meanwhile."""
    item = ChannelSync(keys.channel_sync_pk(sync_id), keys.ENTITY_SK)
    try:
        item.update(
            actions=[
                ChannelSync.listing_done.set(True),
                ChannelSync.imports_left.add(started),
                ChannelSync.imports_failed.add(refused),
            ],
            condition=(ChannelSync.run == run) & (ChannelSync.state == SYNC_PROCESSING),
        )
    except UpdateError as exc:
        if is_condition_failure(exc):
            return None
        raise
    return item


def count_import_end(item: VideoImport, failed: bool) -> bool:
    """CS5: the import (of a run) ended: one less to wait for in its run, once (the import
    keeps the mark), and only while that run is the sync's. False when it counted nothing."""
    sync = ChannelSync(keys.channel_sync_pk(int(item.channel_sync_id or 0)), keys.ENTITY_SK)
    run = str(item.channel_sync_run)
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.update(
                item,
                actions=[VideoImport.sync_counted.set(True)],
                condition=VideoImport.sync_counted.does_not_exist() & (VideoImport.channel_sync_run == run),
            )
            transaction.update(
                sync,
                actions=[ChannelSync.imports_left.add(-1), ChannelSync.imports_failed.add(1 if failed else 0)],
                condition=(ChannelSync.run == run) & (ChannelSync.state == SYNC_PROCESSING),
            )
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def finish_run(sync_id: int, run: str, to: int) -> bool:
    """CS6: the run's imports have all ended: processing → `to`, once (whoever counted last
    may try; the condition lets one through)."""
    item = ChannelSync(keys.channel_sync_pk(sync_id), keys.ENTITY_SK)
    condition = (
        (ChannelSync.run == run)
        & (ChannelSync.state == SYNC_PROCESSING)
        & (ChannelSync.listing_done == True)  # noqa: E712 - a DynamoDB condition, not a test
        & (ChannelSync.imports_left == 0)
    )
    try:
        item.update(actions=[ChannelSync.state.set(to)], condition=condition)
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def delete_sync(item: ChannelSync) -> None:
    item.delete()


def claim_url(channel_id: int, target_url: str, now: datetime) -> bool:
    """CS3: mark `target_url` imported into the channel; False when it already was."""
    mark = ChannelImportedUrl(
        keys.channel_imported_pk(channel_id),
        _url_sk(target_url),
        channel_id=channel_id,
        target_url=target_url,
        created_at=now,
    )
    try:
        mark.save(condition=ChannelImportedUrl.pk.does_not_exist())
    except PutError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def release_url(channel_id: int, target_url: str) -> None:
    """The import could not be made: the next check may try the video again."""
    ChannelImportedUrl(keys.channel_imported_pk(channel_id), _url_sk(target_url)).delete()


def _url_sk(target_url: str) -> str:
    return "URL#" + hashlib.sha256(target_url.encode()).hexdigest()
