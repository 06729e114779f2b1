"""Parsing and validating tracker messages; the binary ids survive JSON both ways."""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions.tracker import protocol
from functions.tracker.protocol import Announce, Answer, ProtocolError, Scrape

INFO = "\x00\x01\x7f\x80\xff" + "é" * 15  # 20 characters below U+0100: 20 bytes
PEER = "-PM0202-" + "a1B2c3D4e5F6"


def _announce(**fields: Any) -> str:
    return json.dumps({"action": "announce", "info_hash": INFO, "peer_id": PEER, **fields})


def test_an_announce_with_offers() -> None:
    offers = [{"offer": {"type": "offer", "sdp": "v=0"}, "offer_id": "\xfe" * 20}] * 3
    message = protocol.parse(_announce(event="started", numwant=5, offers=offers))
    assert message == Announce(
        info_hash=INFO.encode("latin-1").hex(),
        peer_id=PEER.encode().hex(),
        event="started",
        complete=False,
        numwant=3,  # never more peers than offers
        offers=tuple(protocol.Offer({"type": "offer", "sdp": "v=0"}, "\xfe" * 20) for _ in range(3)),
    )
    assert message.info_hash == "00017f80ff" + "e9" * 15


@pytest.mark.parametrize(
    ("fields", "event", "complete"),
    [
        ({}, "update", False),
        ({"event": "empty"}, "update", False),
        ({"event": "paused"}, "update", False),
        ({"event": "completed", "left": 0}, "completed", True),
        ({"event": "update", "left": "0"}, "update", True),
        ({"event": "stopped", "offers": "ignored with stopped"}, "stopped", False),
    ],
)
def test_events_and_left(fields: dict[str, Any], event: str, complete: bool) -> None:
    message = protocol.parse(_announce(**fields))
    assert isinstance(message, Announce)
    assert (message.event, message.complete, message.offers) == (event, complete, ())


def test_an_answer() -> None:
    text = _announce(to_peer_id="B" * 20, answer={"type": "answer", "sdp": "v=0"}, offer_id="\x01" * 20)
    assert protocol.parse(text) == Answer(
        INFO.encode("latin-1").hex(),
        PEER.encode().hex(),
        ("B" * 20).encode().hex(),
        {"type": "answer", "sdp": "v=0"},
        "\x01" * 20,
    )


def test_scrapes() -> None:
    assert protocol.parse(json.dumps({"action": "scrape", "info_hash": INFO})) == Scrape(
        (INFO.encode("latin-1").hex(),)
    )
    several = protocol.parse(json.dumps({"action": "scrape", "info_hash": [INFO, "A" * 20]}))
    assert several == Scrape((INFO.encode("latin-1").hex(), "41" * 20))
    assert protocol.parse(json.dumps({"action": "scrape"})) == Scrape(())


@pytest.mark.parametrize(
    ("text", "reason", "with_hash"),
    [
        ("{not json", "malformed JSON", False),
        ("[1, 2]", "a message must be a JSON object", False),
        ('"announce"', "a message must be a JSON object", False),
        ('{"action": "connect"}', "unknown action", False),
        ('{"info_hash": "x"}', "missing or invalid action", False),
        ('{"action": "announce", "peer_id": "' + PEER + '"}', "invalid info_hash", False),
        (json.dumps({"action": "announce", "info_hash": "short", "peer_id": PEER}), "invalid info_hash", False),
        (json.dumps({"action": "announce", "info_hash": "€" * 20, "peer_id": PEER}), "invalid info_hash", False),
        (json.dumps({"action": "announce", "info_hash": INFO, "peer_id": 12}), "invalid peer_id", True),
        (_announce(event="exploded"), "invalid event", True),
        (_announce(numwant=-1), "invalid numwant", True),
        (_announce(numwant=True), "invalid numwant", True),
        (_announce(offers={"offer": 1}), "invalid offers", True),
        (_announce(offers=[{"offer": {"sdp": ""}, "offer_id": "a" * 20}] * 83), "too many offers (at most 82)", True),
        (_announce(offers=[{"offer": {"sdp": ""}}]), "invalid offer_id", True),
        (_announce(offers=[{"offer": "sdp", "offer_id": "a" * 20}]), "invalid offer", True),
        (_announce(offers=[7]), "invalid offer", True),
        (_announce(left=[0]), "invalid left", True),
        (_announce(answer={"sdp": ""}, offer_id="a" * 20), "invalid to_peer_id", True),
        (_announce(answer={"sdp": ""}, to_peer_id="b" * 20), "invalid offer_id", True),
        (json.dumps({"action": "scrape", "info_hash": 5}), "invalid info_hash", False),
        (json.dumps({"action": "scrape", "info_hash": ["x" * 20] * 101}), "too many info hashes", False),
    ],
)
def test_bad_messages(text: str, reason: str, with_hash: bool) -> None:
    with pytest.raises(ProtocolError) as caught:
        protocol.parse(text)
    assert caught.value.reason.startswith(reason)
    assert (caught.value.info_hash is not None) == with_hash
    reply = json.loads(protocol.failure_for(caught.value))
    assert reply["failure reason"] == caught.value.reason
    if with_hash:
        assert reply["info_hash"] == INFO  # the client matches replies to its torrent by it
        assert reply["action"] == "announce"


def test_replies_carry_binary_ids_as_sent() -> None:
    hex_hash = INFO.encode("latin-1").hex()
    reply = json.loads(protocol.announce_reply(hex_hash, 1, 2))
    assert reply == {"action": "announce", "interval": 120, "info_hash": INFO, "complete": 1, "incomplete": 2}
    offer = json.loads(protocol.offer_message(hex_hash, "ff" * 20, protocol.Offer({"sdp": "x"}, "\x80" * 20)))
    assert offer == {
        "action": "announce",
        "offer": {"sdp": "x"},
        "offer_id": "\x80" * 20,
        "peer_id": "\xff" * 20,
        "info_hash": INFO,
    }
    scrape = json.loads(protocol.scrape_reply({hex_hash: (3, 4)}))
    assert scrape == {
        "action": "scrape",
        "files": {INFO: {"complete": 3, "incomplete": 4, "downloaded": 3}},
        "flags": {"min_request_interval": 600},
    }
    # On the wire an id is its 20 characters in UTF-8, as PeerTube's tracker sends it (U+00FF
    # as C3 BF): never the id's raw bytes, which would not be UTF-8.
    wire = protocol.offer_message(hex_hash, "ff" * 20, protocol.Offer({}, "a" * 20))
    assert b'"peer_id":"' + "\xff".encode() * 20 + b'"' in wire


def test_an_offer_is_encoded_once_and_relayed_as_received() -> None:
    offers = [{"offer": {"type": "offer", "sdp": "v=0\r\n", "n": [1, 2.5, None, True]}, "offer_id": "\xfe" * 20}]
    message = protocol.parse(_announce(numwant=1, offers=offers).encode())
    assert isinstance(message, Announce)
    relayed = json.loads(protocol.offer_message(message.info_hash, message.peer_id, message.offers[0]))
    assert relayed == {"action": "announce", **offers[0], "peer_id": PEER, "info_hash": INFO}


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'{"action": "announce", "info_hash": "\xff\xfe"}', "malformed JSON"),  # not UTF-8
        (b'{"action": "scrape", "x": "\\ud800"}', "malformed JSON"),  # a lone surrogate
        (b'{"action": "scrape", "x": NaN}', "malformed JSON"),
        (b"[" * 2000 + b"]" * 2000, "malformed JSON"),
        (_announce(offers=[{"offer": {"a": [[[[]]]] * 1}, "offer_id": "a" * 20}]).encode(), None),
        (
            _announce(offers=[{"offer": {"deep": json.loads("[" * 300 + "]" * 300)}, "offer_id": "a" * 20}]).encode(),
            "invalid offer",  # deeper than the encoder relays
        ),
    ],
)
def test_what_cannot_be_relayed_faithfully_is_refused(data: bytes, reason: str | None) -> None:
    if reason is None:
        protocol.parse(data)
        return
    with pytest.raises(ProtocolError) as caught:
        protocol.parse(data)
    assert caught.value.reason == reason
