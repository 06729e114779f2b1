"""How many video imports download at once (PeerTube's `import.videos.concurrency`): one item
(`IMPORTSLOTS#instance`, IS1-IS2 in docs/data-model.md) holding the ids of the imports that
run, added to with a condition on its size. A holder whose import is no longer processing
(a crash between the download and the release) is found and dropped when the slots are full.
"""

from __future__ import annotations

from collections.abc import Callable

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import size

from chalicelib.store import keys
from chalicelib.store.models.video_import import ImportSlots
from chalicelib.store.writes import is_condition_failure


def _item() -> ImportSlots:
    return ImportSlots(keys.IMPORT_SLOTS_PK, keys.ENTITY_SK)


def holders() -> set[str]:
    try:
        found = ImportSlots.get(keys.IMPORT_SLOTS_PK, keys.ENTITY_SK, consistent_read=True)
    except ImportSlots.DoesNotExist:
        return set()
    return set(found.holders or ())


def acquire(import_id: int, limit: int, still_running: Callable[[int], bool]) -> bool:
    """A slot for `import_id` (True at once if it holds one), unless `limit` imports hold
    them all; holders `still_running` says have ended are dropped first (one more read)."""
    if _add(import_id, limit):
        return True
    ended = {holder for holder in holders() if holder.isdigit() and not still_running(int(holder))}
    if not ended:
        return False
    _item().update(actions=[ImportSlots.holders.delete(ended)])
    return _add(import_id, limit)


def release(import_id: int) -> None:
    _item().update(actions=[ImportSlots.holders.delete({str(import_id)})])


def _add(import_id: int, limit: int) -> bool:
    member = str(import_id)
    attribute = ImportSlots.holders
    room = attribute.does_not_exist() | (size(attribute) < limit)  # type: ignore[no-untyped-call]
    try:
        _item().update(actions=[attribute.add({member})], condition=room | attribute.contains(member))
    except UpdateError as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True
