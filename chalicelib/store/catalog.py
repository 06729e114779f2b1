"""The catalogue: every video and actor, held in memory and kept fresh from DynamoDB.

Lists, filters, sorts, totals and search over videos cannot all be served by DynamoDB
indexes (one index per sort, no ad-hoc filters, no counts). Instead each function
instance holds the catalogue's projection of every video and actor (`CATALOG_ATTRIBUTES`,
about 1 KB a video) and follows the `catalog` index, where every write of a video or actor
moves it to the head (models/catalogued.py). A request then costs one Query that returns
what changed since the previous request (usually nothing), whatever the catalogue's size.

- The first request of a function instance reads the whole index (one Query page per MB),
  each item made a model by `catalog_items` (PynamoDB's own reading is too slow for it).
- Deleted items leave a `Tombstone` in the index for `TOMBSTONE_LIFETIME`; an instance
  reloads everything every `FULL_RELOAD_AFTER`, which is far shorter, so it never misses one.
- Each refresh reads the changes stamped since `OVERLAP` before the previous refresh began,
  because the index is eventually consistent and writers' clocks differ slightly: a change
  is read at most a few times, in the seconds after it was made. Entries carry their whole
  state, so reading one twice is harmless.
- An instance reads the changes at most once per `FOLLOW_INTERVAL`; its own writes make it
  read at once, so a client sees what it just changed.
- An account or channel being deleted has a `Deletion` entry: from then on the actor, an
  account's channels, and their videos are left out of `actors` and `videos` (the videos
  wait in `withheld`, where the work queue that deletes them finds them).

See docs/catalogue.md for its limits and what an instance switches to past them.
"""

from __future__ import annotations

import functools
import itertools
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib import caches
from chalicelib.observability import count
from chalicelib.store import catalog_items, keys
from chalicelib.store.models import Actor, Deletion, Tombstone, Video
from chalicelib.store.models.catalogued import CATALOG_PARTITION, local_changes

OVERLAP = timedelta(seconds=3)
FOLLOW_INTERVAL = 1.0  # seconds between two reads of the changes, unless this process wrote
FULL_RELOAD_AFTER = 600.0  # seconds
TOMBSTONE_LIFETIME = timedelta(days=1)
STAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"
_versions = itertools.count(1)


@dataclass
class CatalogState:
    """One consistent view of the catalogue (replaced, never mutated, once published)."""

    videos: dict[int, Video] = field(default_factory=dict)
    actors: dict[int, Actor] = field(default_factory=dict)
    # Accounts and channels being deleted, and the videos they hide (their owners' ids).
    withdrawn: set[int] = field(default_factory=set)
    withheld: dict[int, Video] = field(default_factory=dict)
    # Changes whenever the content does, never repeats within a process (caches derived
    # from a state compare it).
    version: int = field(default_factory=lambda: next(_versions))

    @functools.cached_property
    def video_ids_by_uuid(self) -> dict[str, int]:
        # Local videos last, so they win: a UUID is claimed once, but should a remote item
        # ever carry a local video's UUID, the local video keeps its watch page.
        ordered = sorted(self.videos.items(), key=lambda entry: bool(entry[1].is_local))
        return {str(video.uuid): video_id for video_id, video in ordered}


class Catalog:
    def __init__(self) -> None:
        self._state = CatalogState()
        self._settled = ""  # every change stamped before this has been read
        self._loaded_at: float | None = None
        self._followed_at = 0.0
        self._local_changes = -1
        self._lock = threading.Lock()

    def current(self) -> CatalogState:
        """The catalogue as of now (at most `FOLLOW_INTERVAL` old, and never older than this
        process's own writes): one Query for the changes since the last read, if due."""
        with self._lock:
            now = time.monotonic()
            if self._loaded_at is None or now - self._loaded_at > FULL_RELOAD_AFTER:
                self._reload()
            elif now - self._followed_at >= FOLLOW_INTERVAL or local_changes() != self._local_changes:
                self._follow()
            else:
                return self._state
            self._followed_at = now
            return self._state

    def reset(self) -> None:
        with self._lock:
            self._state = CatalogState()
            self._settled = ""
            self._loaded_at = None

    def _reload(self) -> None:
        state = CatalogState()
        self._local_changes = local_changes()
        settled = _settled_now()
        for item in catalog_items.query(CATALOG_PARTITION):
            self._apply(state, item)
        self._state = state
        self._settled = settled
        self._loaded_at = time.monotonic()
        count("CatalogReloads")

    def _follow(self) -> None:
        self._local_changes = local_changes()
        settled = _settled_now()
        changed = list(catalog_items.query(CATALOG_PARTITION, changed_after=self._settled))
        self._settled = max(self._settled, settled)
        if not changed:
            return
        previous = self._state
        state = CatalogState(
            dict(previous.videos), dict(previous.actors), set(previous.withdrawn), dict(previous.withheld)
        )
        touched = False
        for item in changed:
            touched = self._apply(state, item) or touched
        if touched:
            self._state = state

    def _apply(self, state: CatalogState, item: Any) -> bool:
        """Take one entry of the index; whether it changed anything."""
        if isinstance(item, (Video, Actor, Deletion)) and (isinstance(item, Deletion) or _withdrawn(state, item)):
            return _hide(state, item)
        if isinstance(item, (Video, Actor)):
            entries: dict[int, Any] = state.videos if isinstance(item, Video) else state.actors
            previous = entries.get(int(item.id))
            if previous is not None and previous.catalog_sk == item.catalog_sk:
                return False
            entries[int(item.id)] = item
            return True
        if isinstance(item, Tombstone):
            gone = state.videos if item.target_kind == "Video" else state.actors
            held = item.target_kind == "Video" and state.withheld.pop(int(item.target_id), None) is not None
            return gone.pop(int(item.target_id), None) is not None or held
        return False


def _withdrawn(state: CatalogState, item: Video | Actor) -> bool:
    """Whether the item is, or belongs to, an account or channel being deleted."""
    if not state.withdrawn:
        return False
    if isinstance(item, Video):
        return int(item.account_id) in state.withdrawn or int(item.channel_id) in state.withdrawn
    return int(item.id) in state.withdrawn or int(item.account_id or 0) in state.withdrawn


def _hide(state: CatalogState, item: Video | Actor | Deletion) -> bool:
    """Take an entry that a deletion under way hides; whether it changed anything."""
    if isinstance(item, Deletion):
        return _withdraw(state, int(item.target_id))
    if isinstance(item, Video):
        state.videos.pop(int(item.id), None)
        state.withheld[int(item.id)] = item
        return True
    return state.actors.pop(int(item.id), None) is not None


def _withdraw(state: CatalogState, actor_id: int) -> bool:
    if actor_id in state.withdrawn:
        return False
    state.withdrawn.add(actor_id)
    for actor in [a for a in state.actors.values() if _withdrawn(state, a)]:
        del state.actors[int(actor.id)]
    for video in [v for v in state.videos.values() if _withdrawn(state, v)]:
        del state.videos[int(video.id)]
        state.withheld[int(video.id)] = video
    return True


def tombstone(kind: str, item_id: int) -> Tombstone:
    """The item to write (in the deleting transaction) when a video or actor is deleted."""
    return Tombstone(
        keys.tombstone_pk(kind, item_id),
        keys.ENTITY_SK,
        target_kind=kind,
        target_id=item_id,
        expires_at=datetime.now(UTC) + TOMBSTONE_LIFETIME,
    )


def _settled_now() -> str:
    """Changes stamped before this instant are in the index by now (it is eventually
    consistent, and writers' clocks differ slightly): a read now sees them all."""
    return (datetime.now(UTC) - OVERLAP).strftime(STAMP_FORMAT)


_catalog = Catalog()


def current() -> CatalogState:
    return _catalog.current()


@caches.register
def reset() -> None:
    """Forget everything (tests, and a process bound to another table)."""
    _catalog.reset()
