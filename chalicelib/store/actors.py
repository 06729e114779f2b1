"""Access patterns of actors: accounts and channels (A1-A6 in docs/data-model.md)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from pynamodb.constants import UPDATED_OLD
from pynamodb.transactions import TransactWrite

from chalicelib import caches
from chalicelib.store import catalog, keys
from chalicelib.store.models import Actor, Claim
from chalicelib.store.pages import count_list, query_slice
from chalicelib.store.writes import NewClaim, connection, create_items, set_actions

if TYPE_CHECKING:
    from chalicelib.store.models.actor import ActorImage

# The instance's own actor (an Application), as PeerTube names it.
SERVER_ACTOR_NAME = "peertube"
NAME_TAKEN = "Another actor (account/channel) with name {name} on this instance already exists or has already existed."


def get_actor(actor_id: int) -> Actor | None:
    """A1: one GetItem."""
    try:
        return Actor.get(keys.actor_pk(actor_id), keys.ENTITY_SK)
    except Actor.DoesNotExist:
        return None


RESERVED = "reserved"


def get_actors(actor_ids: set[int]) -> dict[int, Actor]:
    """A1 for many: one BatchGetItem per 100 ids."""
    found = Actor.batch_get([(keys.actor_pk(i), keys.ENTITY_SK) for i in actor_ids])
    return {int(actor.id): actor for actor in found if isinstance(actor, Actor)}


def find_local_actor(name: str) -> Actor | None:
    """A2: a local account or channel by name (claim, then actor: two GetItems)."""
    try:
        claim = Claim.get(keys.claim_pk(keys.ACTOR_NAME, name), keys.CLAIM_SK)
    except Claim.DoesNotExist:
        return None
    if claim.target == RESERVED:
        return None
    return get_actor(int(claim.target))


_server_actor_id: dict[str, int] = {}


def server_actor_id() -> int:
    """The instance actor's id: A2 once per execution environment (it never changes)."""
    cached = _server_actor_id.get("id")
    if cached is None:
        actor = find_local_actor(SERVER_ACTOR_NAME)
        if actor is None:
            raise LookupError("the instance actor does not exist yet")
        cached = _server_actor_id["id"] = int(actor.id)
    return cached


@caches.register
def reset_server_actor_id() -> None:
    _server_actor_id.clear()


def name_taken(name: str) -> bool:
    """Whether a local actor has (or had) this name: one GetItem on its claim."""
    try:
        Claim.get(keys.claim_pk(keys.ACTOR_NAME, name), keys.CLAIM_SK)
    except Claim.DoesNotExist:
        return False
    return True


def reserved_name(actor: Actor) -> Claim:
    """The claim that keeps a deleted actor's name taken."""
    return Claim(keys.claim_pk(keys.ACTOR_NAME, actor.preferred_username), keys.CLAIM_SK, target=RESERVED)


def name_claim(actor: Actor) -> NewClaim:
    name = actor.preferred_username
    return NewClaim(keys.ACTOR_NAME, name, str(actor.id), NAME_TAKEN.format(name=name))


def create_channel(channel: Actor) -> None:
    """W1 for a channel: its item, its name claim, and the channel counter."""
    create_items([channel], [name_claim(channel)], stats={"local_channels": 1})


def update_actor(actor: Actor, names: Iterable[str]) -> None:
    """Write the named attributes of an existing actor alone (A9): its follower counts, or
    an image changed by another request meanwhile, stay as they are."""
    actor.update(actions=set_actions(actor, names), condition=Actor.pk.exists())


def replace_images(actor: Actor, kind: str, images: list[ActorImage], updated_at: datetime) -> list[str]:
    """Point the actor at new images of a kind (A10); the paths of the images it pointed at
    just before, as the table held them (not as a copy read earlier did)."""
    attribute = Actor.avatars if kind == "avatars" else Actor.banners
    actions = actor._stamp_actions([attribute.set(images), Actor.updated_at.set(updated_at)])
    response = Actor._get_connection().update_item(
        keys.actor_pk(int(actor.id)),
        keys.ENTITY_SK,
        actions=actions,
        condition=Actor.pk.exists(),
        return_values=UPDATED_OLD,
    )
    setattr(actor, kind, images)
    actor.updated_at = updated_at
    old = response.get("Attributes", {}).get(kind)
    if not old:
        return []
    return [str(image["M"]["path"]["S"]) for image in old["L"]]


def delete_channel(channel: Actor) -> None:
    """Remove a channel, its name reserved, atomically (the counters moved when its deletion
    was asked for: store/deletions.py)."""
    with TransactWrite(connection=connection()) as transaction:
        transaction.delete(channel, condition=Actor.pk.exists())
        transaction.save(reserved_name(channel))
        transaction.save(catalog.tombstone("Actor", int(channel.id)))


def list_account_channels(account_id: int, start: int = 0, count: int = 100) -> list[Actor]:
    """A4: channels of an account, oldest first (the first is the default channel)."""
    return query_slice(
        Actor.by_gsi2, keys.account_channels_gsi2pk(account_id), start=start, count=count, newest_first=False
    )


def count_account_channels(account_id: int) -> int:
    return count_list(Actor.by_gsi2, keys.account_channels_gsi2pk(account_id))


def list_local_accounts(start: int, count: int, newest_first: bool) -> list[Actor]:
    """A5: local accounts."""
    return query_slice(Actor.by_gsi1, keys.accounts_gsi1pk(), start=start, count=count, newest_first=newest_first)


def list_local_channels(start: int, count: int, newest_first: bool) -> list[Actor]:
    """A6: local channels."""
    return query_slice(Actor.by_gsi1, keys.channels_gsi1pk(), start=start, count=count, newest_first=newest_first)
