"""The scheme picker of chalicelib.activitypub.signatures: each scheme's headers reach its own
parser, and whatever neither reads is refused with PeerTube's message."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.activitypub.errors import SignatureError
from chalicelib.activitypub.signatures import (
    DRAFT_CAVAGE,
    RFC_9421,
    InboundRequest,
    parse_signature,
    scheme_of,
    sign_request,
    verify_signature,
)
from tests.unit.ap_fixtures import fixture

KEYS = fixture("peertube/keys.json")
NOW = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)
INBOX = "https://cirrus.example/inbox"
KEY_ID = "https://peertube.example/accounts/peertube#main-key"
BODY = b'{"type":"Follow"}'


def received(headers: dict[str, str]) -> InboundRequest:
    return InboundRequest("POST", "/inbox", headers, BODY)


@pytest.mark.parametrize("scheme", [DRAFT_CAVAGE, RFC_9421])
def test_each_scheme_is_read_by_its_own_parser(scheme: str) -> None:
    request = received(sign_request("POST", INBOX, BODY, KEY_ID, KEYS["privateKey"], NOW, scheme=scheme))
    assert scheme_of(request) == scheme
    parsed = parse_signature(request, NOW)
    assert (parsed.scheme, parsed.key_id) == (scheme, KEY_ID)
    assert verify_signature(parsed, KEYS["publicKey"]) is True


def test_signature_input_decides_even_beside_a_valid_cavage_signature() -> None:
    headers = sign_request("POST", INBOX, BODY, KEY_ID, KEYS["privateKey"], NOW)
    request = received({**headers, "Signature-Input": "garbage"})
    assert scheme_of(request) == RFC_9421
    with pytest.raises(SignatureError, match=r"^Cannot parse HTTP signature$"):
        parse_signature(request, NOW)


@pytest.mark.parametrize(
    "signature_headers",
    [
        {},
        {"Signature": ""},
        {"Signature": "Bearer abc"},
        {"Signature": "sig1=:AAAA:"},  # an RFC 9421 signature without its Signature-Input
        {"Signature-Input": 'sig1=("@method");created=1', "Signature": "other=:AA==:"},
        {"Signature-Input": "((", "Signature": "sig1=:AA==:"},
    ],
    ids=["none", "empty", "another auth scheme", "rfc9421 without input", "labels differ", "malformed input"],
)
def test_what_neither_scheme_reads_cannot_be_parsed(signature_headers: dict[str, str]) -> None:
    headers = {"Host": "cirrus.example", "Date": "Fri, 02 Jan 2026 12:00:00 GMT", **signature_headers}
    with pytest.raises(SignatureError, match=r"^Cannot parse HTTP signature$"):
        parse_signature(received(headers), NOW)


def test_an_unknown_scheme_is_not_signed() -> None:
    with pytest.raises(ValueError, match="unknown signature scheme"):
        sign_request("POST", INBOX, BODY, KEY_ID, KEYS["privateKey"], NOW, scheme="hmac")
