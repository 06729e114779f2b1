"""Offset pagination (PeerTube's `start`/`count`) over a secondary-index list.

DynamoDB pages with cursors, not offsets, so reaching `start` means reading the items before
it: a page costs one Query of `start + count` items (at most 100 per page, PeerTube's
maximum `count`). Deep pages of very long lists are the cost of PeerTube's API shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pynamodb.indexes import GlobalSecondaryIndex

MAX_COUNT = 100


def query_slice(
    index: GlobalSecondaryIndex[Any], hash_key: str, *, start: int, count: int, newest_first: bool
) -> list[Any]:
    """Items `start` to `start + count` of the list `hash_key`, in sort-key order."""
    if count <= 0:
        return []
    wanted = start + count
    items: list[Any] = []
    for item in index.query(hash_key, scan_index_forward=not newest_first, limit=wanted, page_size=min(wanted, 1000)):
        items.append(item)
        if len(items) >= wanted:
            break
    return items[start:]


def count_list(index: GlobalSecondaryIndex[Any], hash_key: str) -> int:
    """How many items a list holds (reads only keys; used for short lists)."""
    return int(index.count(hash_key))
