"""Access patterns of remote actors (R1-R3 in docs/data-model.md): kept as Actor items with
their host, found by their ActivityPub id through a claim."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from chalicelib.errors import ConflictError
from chalicelib.store import actors, claims, keys
from chalicelib.store.writes import NewClaim, create_items

if TYPE_CHECKING:
    from chalicelib.store.models import Actor


def find_by_url(url: str) -> Actor | None:
    """R1: the claim, then the actor (two GetItems)."""
    return claims.resolve(keys.ACTOR_URL, url, lambda target: actors.get_actor(int(target)))


def create(actor: Actor) -> Actor:
    """R2: a new remote actor and its URL claim, atomically; if another writer created the
    same actor first, that one is returned."""
    claim = NewClaim(keys.ACTOR_URL, str(actor.url), str(actor.id), "This actor already exists.")
    try:
        create_items([actor], [claim])
    except ConflictError:
        existing = find_by_url(str(actor.url))
        if existing is None:
            raise
        return existing
    return actor


def save(actor: Actor, names: Iterable[str]) -> None:
    """R3: refreshed fields of a known remote actor, those named alone (its follower counts
    move with follows meanwhile)."""
    actors.update_actor(actor, names)
