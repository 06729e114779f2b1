"""The store's write primitives: atomic creation with unique claims, counters, TTL."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from chalicelib import aws as aws_clients
from chalicelib.errors import ConflictError
from chalicelib.store import counters, keys
from chalicelib.store.models import Actor, Claim, TableItem
from chalicelib.store.writes import NewClaim, create_items
from local.ttl import TtlReaper


def _actor(actor_id: int, name: str) -> Actor:
    now = datetime.now(UTC)
    return Actor(
        keys.actor_pk(actor_id),
        keys.ENTITY_SK,
        id=actor_id,
        actor_type="Group",
        preferred_username=name,
        url=f"http://localhost:9000/video-channels/{name}",
        inbox_url=f"http://localhost:9000/video-channels/{name}/inbox",
        display_name=name,
        public_key_pem="-----BEGIN PUBLIC KEY-----\n...",
        created_at=now,
        updated_at=now,
    )


def _name_claim(actor_id: int, name: str) -> NewClaim:
    return NewClaim(keys.ACTOR_NAME, name, str(actor_id), "An actor with this name already exists.")


def test_ids_are_allocated_in_sequence(aws: None) -> None:
    assert [counters.next_id("actor") for _ in range(3)] == [1, 2, 3]
    assert counters.next_id("video") == 1


def test_a_taken_name_refuses_the_whole_aggregate(aws: None) -> None:
    create_items([_actor(1, "music")], [_name_claim(1, "music")], stats={"local_channels": 1})
    with pytest.raises(ConflictError, match="already exists"):
        create_items([_actor(2, "Music")], [_name_claim(2, "Music")], stats={"local_channels": 1})
    # Nothing of the second attempt was written, and the counter moved once.
    assert Actor.count(keys.actor_pk(2)) == 0
    assert counters.read_stats_counts().local_channels == 1
    claim = Claim.get(keys.claim_pk(keys.ACTOR_NAME, "MUSIC"), keys.CLAIM_SK)
    assert claim.target == "1"


def test_items_are_read_back_as_their_own_kind(aws: None) -> None:
    create_items([_actor(5, "films")], [_name_claim(5, "films")])
    items = list(TableItem.query(keys.actor_pk(5)))
    assert len(items) == 1 and isinstance(items[0], Actor)
    assert items[0].is_local


def test_unknown_counters_are_refused(aws: None) -> None:
    with pytest.raises(KeyError):
        create_items([_actor(6, "x")], stats={"no_such_counter": 1})


def test_the_local_ttl_sweep_deletes_only_expired_items(aws: None) -> None:
    now = time.time()
    expired = Claim("TEST#old", keys.CLAIM_SK, target="1", expires_at=datetime.fromtimestamp(now - 10, UTC))
    alive = Claim("TEST#new", keys.CLAIM_SK, target="2", expires_at=datetime.fromtimestamp(now + 3600, UTC))
    expired.save()
    alive.save()
    reaper = TtlReaper(aws_clients.dynamodb(), [TableItem.Meta.table_name])
    assert reaper.sweep(now) == 1
    assert [c.pk for c in Claim.scan()] == ["TEST#new"]


def test_a_claimed_value_resolves_to_its_item_in_two_reads_an_unclaimed_one_in_one(aws: None) -> None:
    from chalicelib.store import actors, claims

    create_items([_actor(7, "seven")], [_name_claim(7, "seven")])
    reads: list[str] = []
    client = TableItem._get_connection().connection.client

    def count(model: object, **_: object) -> None:
        reads.append(str(getattr(model, "name", model)))

    client.meta.events.register("before-call.dynamodb", count)
    try:
        found = claims.resolve(keys.ACTOR_NAME, "seven", lambda target: actors.get_actor(int(target)))
        assert found is not None and found.preferred_username == "seven"
        assert reads == ["GetItem", "GetItem"]
        reads.clear()
        assert claims.resolve(keys.ACTOR_NAME, "nobody", lambda target: actors.get_actor(int(target))) is None
        assert claims.target(keys.ACTOR_NAME, "seven") == "7"
        assert reads == ["GetItem", "GetItem"]  # one each
    finally:
        client.meta.events.unregister("before-call.dynamodb", count)
