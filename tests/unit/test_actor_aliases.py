"""What a remote actor's document says of moving house (`alsoKnownAs`, `movedTo`), as parsed,
and what a local actor's document publishes of it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.activitypub.documents.actors import actor_document
from chalicelib.activitypub.remote.parse.actors import MAX_ALIASES, parse_actor
from chalicelib.activitypub.remote.parse.checks import InvalidDocument
from chalicelib.store.models import Actor

URL = "https://peer.example/users/carol"


def document(**fields: Any) -> dict[str, Any]:
    return {
        "type": "Person",
        "id": URL,
        "preferredUsername": "carol",
        "inbox": f"{URL}/inbox",
        "publicKey": {"id": f"{URL}#main-key", "owner": URL, "publicKeyPem": "-----BEGIN PUBLIC KEY-----x"},
        **fields,
    }


def test_aliases_are_urls_on_any_host_once_each_and_junk_is_skipped() -> None:
    parsed = parse_actor(
        document(
            alsoKnownAs=[
                "https://old.example/users/carol",
                {"id": "https://older.example/@carol"},
                "https://old.example/users/carol",
                "javascript:alert(1)",
                42,
                {"no": "id"},
            ],
            movedTo="https://new.example/users/carol",
        )
    )
    assert parsed.also_known_as == ("https://old.example/users/carol", "https://older.example/@carol")
    assert parsed.moved_to == "https://new.example/users/carol"


def test_a_single_alias_a_bad_moved_to_and_too_many_aliases() -> None:
    assert parse_actor(document(alsoKnownAs="https://old.example/a")).also_known_as == ("https://old.example/a",)
    assert parse_actor(document(movedTo="ftp://x.example/a")).moved_to is None
    many = [f"https://old.example/{n}" for n in range(MAX_ALIASES + 5)]
    assert len(parse_actor(document(alsoKnownAs=many)).also_known_as) == MAX_ALIASES
    assert parse_actor(document()).also_known_as == ()
    with pytest.raises(InvalidDocument):
        parse_actor(document(id="not a url"))


def test_a_local_account_publishes_its_aliases_and_where_it_moved() -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    account = Actor(
        "ACTOR#1",
        "ENTITY",
        id=1,
        actor_type="Person",
        preferred_username="alice",
        url="https://cirrus.example/accounts/alice",
        inbox_url="https://cirrus.example/accounts/alice/inbox",
        display_name="Alice",
        public_key_pem="-----BEGIN PUBLIC KEY-----x",
        created_at=now,
        updated_at=now,
    )
    plain = actor_document(account, "https://cirrus.example")
    assert "alsoKnownAs" not in plain and "movedTo" not in plain
    account.also_known_as = ["https://old.example/users/alice"]
    account.moved_to = "https://new.example/users/alice"
    moved = actor_document(account, "https://cirrus.example")
    assert moved["alsoKnownAs"] == ["https://old.example/users/alice"]
    assert moved["movedTo"] == "https://new.example/users/alice"
    # movedTo is not an activitystreams term: the document defines it, so JSON-LD keeps it.
    from pyld import jsonld

    from chalicelib.activitypub.contexts import document_loader

    expanded = jsonld.expand(moved, {"documentLoader": document_loader})
    assert expanded[0]["https://www.w3.org/ns/activitystreams#movedTo"] == [{"@id": "https://new.example/users/alice"}]
    assert expanded[0]["https://www.w3.org/ns/activitystreams#alsoKnownAs"] == [
        {"@id": "https://old.example/users/alice"}
    ]
