"""Access patterns of the watch history (H1-H4 in docs/data-model.md).

A user's entries share the user's partition, one per video: a ping moves one forward with a
single PutItem, the video page reads one with a GetItem, and the list reads the partition's
entries (one Query per MB) and orders them by when they were watched.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from chalicelib.store import keys
from chalicelib.store.models import HistoryEntry


def save_entry(user_id: int, video_id: int, current_time: int, at: datetime) -> None:
    """H1: where the user is in a video now (one PutItem; no read)."""
    HistoryEntry(
        keys.user_pk(user_id),
        keys.history_sk(video_id),
        user_id=user_id,
        video_id=video_id,
        current_time=current_time,
        updated_at=at,
    ).save()


def find_entry(user_id: int, video_id: int) -> HistoryEntry | None:
    """H2: one GetItem."""
    try:
        return HistoryEntry.get(keys.user_pk(user_id), keys.history_sk(video_id))
    except HistoryEntry.DoesNotExist:
        return None


def list_entries(user_id: int) -> list[HistoryEntry]:
    """H3: every entry of a user, newest first."""
    found = HistoryEntry.query(keys.user_pk(user_id), HistoryEntry.sk.startswith(keys.HISTORY_SK_PREFIX))
    entries = [entry for entry in found if isinstance(entry, HistoryEntry)]
    return sorted(entries, key=lambda entry: (entry.updated_at, int(entry.video_id)), reverse=True)


def delete_entry(user_id: int, video_id: int) -> None:
    """H4: one DeleteItem (nothing to delete is fine)."""
    HistoryEntry(keys.user_pk(user_id), keys.history_sk(video_id)).delete()


def delete_entries(entries: Iterable[HistoryEntry]) -> int:
    """H4: one BatchWriteItem per 25 entries; how many went."""
    doomed = list(entries)
    with HistoryEntry.batch_write() as batch:
        for entry in doomed:
            batch.delete(entry)
    return len(doomed)
