"""Access patterns of blocklists (B1-B4 in docs/data-model.md).

Blocks are few per owner (PeerTube's web client pages them by 10 and 15), so an owner's
list is read whole, both kinds at once, and filtered, sorted and paged in memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from pynamodb.exceptions import DeleteError, PutError

from chalicelib.store import keys
from chalicelib.store.models import Block
from chalicelib.store.writes import is_condition_failure

if TYPE_CHECKING:
    from datetime import datetime


def list_blocks(owner_id: int, *, consistent: bool = False) -> list[Block]:
    """B1: every block of an owner (one Query per MB)."""
    items = Block.query(
        keys.actor_pk(owner_id),
        Block.sk.startswith(keys.BLOCK_SK_PREFIX),
        consistent_read=consistent,
    )
    return [item for item in items if isinstance(item, Block)]


def get_account_block(owner_id: int, target_account_id: int) -> Block | None:
    """B2: one GetItem."""
    return _get(owner_id, keys.account_block_sk(target_account_id))


def get_server_block(owner_id: int, host: str) -> Block | None:
    """B2: one GetItem."""
    return _get(owner_id, keys.server_block_sk(host))


def owners_muting(owner_ids: Iterable[int], account_id: int, host: str | None) -> set[int]:
    """B5: which of these owners block the account, or its host (one BatchGetItem per 50
    owners; the account's owner blocks are read as given: a channel's owner is the caller's)."""
    wanted: list[tuple[str, str]] = []
    for owner in set(owner_ids):
        wanted.append((keys.actor_pk(owner), keys.account_block_sk(account_id)))
        if host:
            wanted.append((keys.actor_pk(owner), keys.server_block_sk(host)))
    if not wanted:
        return set()
    return {int(block.owner_id) for block in Block.batch_get(wanted) if isinstance(block, Block)}


def add_account_block(owner_id: int, target_account_id: int, target_url: str | None, now: datetime) -> bool:
    """B3: PutItem if absent; False when the block already existed (nothing changes)."""
    item = Block(
        keys.actor_pk(owner_id),
        keys.account_block_sk(target_account_id),
        owner_id=owner_id,
        target_account_id=target_account_id,
        target_url=target_url,
        created_at=now,
    )
    return _put_new(item)


def add_server_block(owner_id: int, host: str, now: datetime) -> bool:
    """B3: PutItem if absent; False when the block already existed."""
    item = Block(
        keys.actor_pk(owner_id), keys.server_block_sk(host), owner_id=owner_id, host=host.lower(), created_at=now
    )
    return _put_new(item)


def remove_block(block: Block) -> bool:
    """B4: DeleteItem if present; False when it was already gone."""
    try:
        block.delete(condition=Block.pk.exists())
    except DeleteError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def _get(owner_id: int, sk: str) -> Block | None:
    try:
        return Block.get(keys.actor_pk(owner_id), sk, consistent_read=True)
    except Block.DoesNotExist:
        return None


def _put_new(item: Block) -> bool:
    try:
        item.save(condition=Block.pk.does_not_exist())
    except PutError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True
