"""What this instance follows, for its public lists (PeerTube's rule).

PeerTube lists a remote video in `/api/v1/videos`, search and overviews only when the
instance's server actor has an accepted follow of its channel or its account, or of an
actor that shared it (PeerTube servers share their own videos through their instance
actor, so following an instance lists its videos); a remote playlist only when it is on a
server one of whose actors the instance follows. Local content is always listed. Cirrus
keeps no shares, so "shared by a followed instance actor" is read as "on the host of a
followed instance actor".

The follows are read again (one Query) only when the server actor's catalogue entry
changes, which every accepted follow or unfollow does (its `following_count` moves).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib import caches
from chalicelib.store import catalog, follows
from chalicelib.store.actors import server_actor_id
from chalicelib.store.models.follow import STATE_ACCEPTED

if TYPE_CHECKING:
    from chalicelib.store.catalog import CatalogState
    from chalicelib.store.models import Actor

INSTANCE_ACTOR_TYPE = "Application"


@dataclass(frozen=True)
class Followed:
    actor_ids: frozenset[int] = frozenset()
    instance_hosts: frozenset[str] = frozenset()  # hosts of the followed instance actors
    hosts: frozenset[str] = frozenset()  # hosts of every followed actor


class _Cache:
    def __init__(self) -> None:
        self._key: tuple[int, str | None] | None = None
        self._followed = Followed()
        self._lock = threading.Lock()

    def get(self, state: CatalogState) -> Followed:
        server_id = server_actor_id()
        server = state.actors.get(server_id)
        key = (server_id, str(server.catalog_sk) if server is not None else None)
        with self._lock:
            if key == self._key:
                return self._followed
        followed = _read(server_id, state.actors)
        with self._lock:
            self._key, self._followed = key, followed
        return followed

    def forget(self) -> None:
        with self._lock:
            self._key, self._followed = None, Followed()


def _read(server_id: int, actors: dict[int, Actor]) -> Followed:
    ids = frozenset(int(f.target_id) for f in follows.list_following(server_id) if f.state == STATE_ACCEPTED)
    known = [actors[i] for i in ids if i in actors and actors[i].host]
    return Followed(
        actor_ids=ids,
        instance_hosts=frozenset(str(a.host).lower() for a in known if a.actor_type == INSTANCE_ACTOR_TYPE),
        hosts=frozenset(str(a.host).lower() for a in known),
    )


_cache = _Cache()


def followed_by_instance() -> Followed:
    return _cache.get(catalog.current())


def followed_in(state: CatalogState) -> Followed:
    """The same, for a caller that already holds the catalogue's state."""
    return _cache.get(state)


@caches.register
def reset() -> None:
    """Forget the follows read (tests: a new instance, whose server actor may not be catalogued yet)."""
    _cache.forget()
