"""RsaSignature2017 Linked Data signatures: PeerTube's fixture rows, tampering, and the offline loader."""

from __future__ import annotations

import copy
import socket
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.activitypub.contexts import context_for, document_loader
from chalicelib.activitypub.signatures.ld import sign_document, verify_document
from tests.unit.ap_fixtures import fixture

MASTODON_KEY = fixture("mastodon/public-key.json")["publicKey"]
MASTODON_BAD_KEY = fixture("mastodon/bad-public-key.json")["publicKey"]
KEYS = fixture("peertube/keys.json")
INVALID_KEYS = fixture("peertube/invalid-keys.json")
PEERTUBE_KEY_ID = "http://127.0.0.1:9002/accounts/peertube#main-key"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test: contexts come from the local cache only."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def announce() -> dict[str, Any]:
    """The Announce fixture contextified as PeerTube does (activityPubContextify(body, 'Announce'))."""
    return {"@context": context_for("Announce"), **fixture("peertube/announce-without-context.json")}


# --- The fixture README's Linked-Data signature table ----------------------------------------------


def test_invalid_mastodon_signature() -> None:
    assert verify_document(fixture("mastodon/create-bad-signature.json"), MASTODON_KEY) is False


def test_invalid_public_key() -> None:
    assert verify_document(fixture("mastodon/create.json"), MASTODON_BAD_KEY) is False


def test_valid_mastodon_signature() -> None:
    assert verify_document(fixture("mastodon/create.json"), MASTODON_KEY) is True


def test_invalid_peertube_signature() -> None:
    signed = sign_document(announce(), PEERTUBE_KEY_ID, INVALID_KEYS["privateKey"])
    assert verify_document(signed, INVALID_KEYS["publicKey"]) is False


def test_valid_peertube_signature() -> None:
    signed = sign_document(announce(), PEERTUBE_KEY_ID, KEYS["privateKey"])
    assert verify_document(signed, KEYS["publicKey"]) is True


# --- Signing -----------------------------------------------------------------------------------------


def test_sign_document_adds_the_signature_and_leaves_the_input_alone() -> None:
    document = announce()
    before = copy.deepcopy(document)
    signed = sign_document(document, PEERTUBE_KEY_ID, KEYS["privateKey"], datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert document == before
    assert {key: value for key, value in signed.items() if key != "signature"} == before
    assert signed["signature"]["type"] == "RsaSignature2017"
    assert signed["signature"]["creator"] == PEERTUBE_KEY_ID
    assert signed["signature"]["created"] == "2026-01-02T03:04:05Z"
    assert isinstance(signed["signature"]["signatureValue"], str)


def test_resigning_replaces_an_old_signature() -> None:
    signed = sign_document(fixture("mastodon/create.json"), PEERTUBE_KEY_ID, KEYS["privateKey"])
    assert verify_document(signed, KEYS["publicKey"]) is True
    assert verify_document(signed, MASTODON_KEY) is False


# --- Tampering and malformed documents ---------------------------------------------------------------


def test_altered_after_signing_fails() -> None:
    # PeerTube's integration row: actor changed after signing.
    signed = sign_document(announce(), PEERTUBE_KEY_ID, KEYS["privateKey"])
    signed["actor"] = "http://127.0.0.1:9002/account/peertube"
    assert verify_document(signed, KEYS["publicKey"]) is False


def test_altered_mastodon_note_fails() -> None:
    document = fixture("mastodon/create.json")
    document["object"]["content"] = "<p>something else</p>"
    assert verify_document(document, MASTODON_KEY) is False


def test_altered_signature_options_fail() -> None:
    document = fixture("mastodon/create.json")
    document["signature"]["created"] = "2018-10-22T12:43:09Z"
    assert verify_document(document, MASTODON_KEY) is False


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "text",
        {"type": "RsaSignature2018", "creator": "k", "created": "2018-10-22T12:43:08Z", "signatureValue": "AA=="},
        {"type": "RsaSignature2017", "creator": "k", "created": "2018-10-22T12:43:08Z"},
        {"type": "RsaSignature2017", "creator": "k", "created": "2018-10-22T12:43:08Z", "signatureValue": "%%%"},
        {"type": "RsaSignature2017", "creator": 3, "created": "2018-10-22T12:43:08Z", "signatureValue": "AA=="},
    ],
    ids=["missing", "not an object", "other type", "no value", "not base64", "creator not a string"],
)
def test_malformed_signatures_do_not_verify(signature: object) -> None:
    document = fixture("mastodon/create.json")
    document["signature"] = signature
    assert verify_document(document, MASTODON_KEY) is False


@pytest.mark.parametrize("keyword", ["@include", "@included", "@import"])
def test_documents_pulling_in_other_nodes_are_refused(keyword: str) -> None:
    signed = sign_document(announce(), PEERTUBE_KEY_ID, KEYS["privateKey"])
    signed["object"] = {"id": signed["object"], keyword: {"id": "http://127.0.0.1:9002/other"}}
    assert verify_document(signed, KEYS["publicKey"]) is False


def test_unknown_context_does_not_verify_and_fetches_nothing() -> None:
    document = fixture("mastodon/create.json")
    document["@context"] = [*document["@context"], "https://attacker.example/context.jsonld"]
    assert verify_document(document, MASTODON_KEY) is False


def test_broken_json_ld_does_not_verify() -> None:
    document = fixture("mastodon/create.json")
    document["@context"] = [{"@version": "not a number", "x": {"@id": 3}}]
    assert verify_document(document, MASTODON_KEY) is False


def test_loader_refuses_unknown_urls_without_the_network() -> None:
    from pyld.jsonld import JsonLdError

    with pytest.raises(JsonLdError):
        document_loader("https://attacker.example/context.jsonld")
    with pytest.raises(JsonLdError):
        document_loader("https://www.w3.org/ns/activitystreams/other")
    loaded = document_loader("https://www.w3.org/ns/activitystreams")
    assert loaded["documentUrl"] == "https://www.w3.org/ns/activitystreams"
    assert "@context" in loaded["document"]
