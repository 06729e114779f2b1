"""The tracker over real websockets: two peers meet through offers and answers, counts and
expiry, and every bad input answered with a failure reason or a close while others go on."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from functions.tracker.known import CachedLookup
from functions.tracker.service import Tracker, TrackerLimits
from tests.tracker_server import SERVERS, serving

SWARM = "\x00\x01\x7f\x80\xff" + "é" * 15  # a binary info hash: 20 bytes as 20 JSON characters
OTHER_SWARM = "Z" * 20
A, B, C = "-PM0202-" + "a" * 12, "-PM0202-" + "b" * 12, "\xfe" * 20
OFFER_ID = "\x00\x9f\xff" + "o" * 17
WAIT = 5


def _send(peer: ClientConnection, **fields: Any) -> None:
    peer.send(json.dumps(fields))


def _recv(peer: ClientConnection) -> dict[str, Any]:
    return dict(json.loads(peer.recv(timeout=WAIT)))


def _announce(peer: ClientConnection, peer_id: str, swarm: str = SWARM, **fields: Any) -> None:
    _send(peer, action="announce", info_hash=swarm, peer_id=peer_id, **fields)


def _scrape(peer: ClientConnection, *swarms: str) -> dict[str, Any]:
    _send(peer, action="scrape", info_hash=list(swarms))
    return dict(_recv(peer)["files"])


def _offer(number: int = 0) -> dict[str, Any]:
    return {"offer": {"type": "offer", "sdp": f"v=0 offer {number}"}, "offer_id": OFFER_ID[:-1] + chr(48 + number)}


SHORT_TTL = 0.5


@pytest.fixture
def tracker() -> Tracker:
    # A TTL far above any pause in a test: on a loaded CI machine a 0.5 s TTL dropped peers
    # between their announce and the next peer's offers. Expiry has its own test and tracker.
    return Tracker(limits=TrackerLimits(peer_ttl=60, sweep_seconds=0.1))


@pytest.fixture(params=SERVERS)
def server_kind(request: pytest.FixtureRequest) -> str:
    """Every test runs against the production server and through ASGI (the local gateway)."""
    return str(request.param)


@pytest.fixture
def url(tracker: Tracker, server_kind: str) -> Iterator[str]:
    with serving(tracker, server_kind) as address:
        yield address


def test_two_peers_meet_through_an_offer_and_its_answer(url: str) -> None:
    with connect(url) as a, connect(url) as b:
        _announce(b, B, event="started", numwant=0)
        assert _recv(b) == {"action": "announce", "interval": 120, "info_hash": SWARM, "complete": 0, "incomplete": 1}

        _announce(a, A, event="started", numwant=1, offers=[_offer()])
        assert _recv(a)["incomplete"] == 2
        offer = _recv(b)
        assert offer == {
            "action": "announce",
            "offer": {"type": "offer", "sdp": "v=0 offer 0"},
            "offer_id": _offer()["offer_id"],
            "peer_id": A,
            "info_hash": SWARM,
        }

        answer = {"type": "answer", "sdp": "v=0 answer"}
        _announce(b, B, to_peer_id=offer["peer_id"], answer=answer, offer_id=offer["offer_id"])
        assert _recv(a) == {
            "action": "announce",
            "answer": answer,
            "offer_id": _offer()["offer_id"],
            "peer_id": B,
            "info_hash": SWARM,
        }
        # No reply to the answer itself, as bittorrent-tracker: the next message is the scrape's.
        assert _scrape(b, SWARM) == {SWARM: {"complete": 0, "incomplete": 2, "downloaded": 0}}


def test_offers_go_to_distinct_other_peers_of_the_same_swarm(url: str) -> None:
    with connect(url) as a, connect(url) as b, connect(url) as c, connect(url) as elsewhere:
        for peer, peer_id in ((b, B), (c, C)):
            _announce(peer, peer_id, event="started")
            _recv(peer)
        _announce(elsewhere, A, OTHER_SWARM, event="started")
        _recv(elsewhere)
        _announce(a, A, event="started", numwant=5, offers=[_offer(n) for n in range(5)])
        _recv(a)
        received = [_recv(b)["offer_id"], _recv(c)["offer_id"]]
        assert len(set(received)) == 2  # one offer each, never the same one twice
        with pytest.raises(TimeoutError):
            a.recv(timeout=0.3)  # none to itself
        with pytest.raises(TimeoutError):
            elsewhere.recv(timeout=0.3)  # none to another swarm


def test_scrape_counts_move_with_completed_and_stopped(url: str) -> None:
    with connect(url) as a, connect(url) as b:
        _announce(a, A, event="started")
        _recv(a)
        _announce(b, B, event="started", left=0)
        assert _recv(b)["complete"] == 1
        assert _scrape(a, SWARM, OTHER_SWARM) == {
            SWARM: {"complete": 1, "incomplete": 1, "downloaded": 1},
            OTHER_SWARM: {"complete": 0, "incomplete": 0, "downloaded": 0},
        }
        _announce(a, A, event="completed")
        assert (_recv(a)["complete"], _scrape(a, SWARM)[SWARM]["incomplete"]) == (2, 0)
        _announce(b, B, event="stopped")
        assert _recv(b)["complete"] == 1
        _send(a, action="scrape", info_hash=SWARM)  # one info hash, as a string
        assert _recv(a)["files"] == {SWARM: {"complete": 1, "incomplete": 0, "downloaded": 1}}


def test_peers_that_stop_announcing_are_dropped(server_kind: str) -> None:
    tracker = Tracker(limits=TrackerLimits(peer_ttl=SHORT_TTL, sweep_seconds=0.1))
    with serving(tracker, server_kind) as url, connect(url) as watcher, connect(url) as quiet:
        _announce(quiet, A, event="started")
        _recv(quiet)
        time.sleep(SHORT_TTL * 3)  # well past the TTL: the sweeper drops it
        assert _scrape(watcher, SWARM)[SWARM]["incomplete"] == 0
        _announce(quiet, A)  # back with an update: in again, counted in the same reply
        assert _recv(quiet)["incomplete"] == 1


def test_a_peer_whose_socket_closes_leaves_at_once(url: str) -> None:
    with connect(url) as watcher:
        with connect(url) as leaving:
            _announce(leaving, A, event="started")
            _recv(leaving)
            assert _scrape(watcher, SWARM)[SWARM]["incomplete"] == 1
        deadline = time.monotonic() + WAIT
        while _scrape(watcher, SWARM)[SWARM]["incomplete"] and time.monotonic() < deadline:
            time.sleep(0.05)  # long before the 60 s TTL
        assert _scrape(watcher, SWARM)[SWARM]["incomplete"] == 0


BAD_INPUTS = [
    ("{not json", {"failure reason": "malformed JSON"}),
    ("[1, 2, 3]", {"failure reason": "a message must be a JSON object"}),
    ('{"action": "connect"}', {"failure reason": "unknown action"}),
    ('{"action": 7}', {"failure reason": "missing or invalid action"}),
    (json.dumps({"action": "announce", "peer_id": A}), {"failure reason": "invalid info_hash", "action": "announce"}),
    (
        json.dumps({"action": "announce", "info_hash": "€" * 20, "peer_id": A}),
        {"failure reason": "invalid info_hash", "action": "announce"},
    ),
    (
        json.dumps({"action": "announce", "info_hash": SWARM, "peer_id": 42}),
        {"failure reason": "invalid peer_id", "action": "announce", "info_hash": SWARM},
    ),
    (
        json.dumps({"action": "announce", "info_hash": SWARM, "peer_id": A, "event": "boom"}),
        {"failure reason": "invalid event", "action": "announce", "info_hash": SWARM},
    ),
    (
        json.dumps({"action": "announce", "info_hash": SWARM, "peer_id": A, "offers": [_offer()] * 83}),
        {"failure reason": "too many offers (at most 82)", "action": "announce", "info_hash": SWARM},
    ),
    (
        json.dumps({"action": "announce", "info_hash": SWARM, "peer_id": A, "offers": [{"offer": {}}]}),
        {"failure reason": "invalid offer_id", "action": "announce", "info_hash": SWARM},
    ),
    (
        json.dumps({"action": "scrape"}),
        {"failure reason": "scrape needs info_hash (one or a list)", "action": "scrape"},
    ),
    (b"\x00binary", {"failure reason": "binary messages are not part of the protocol: send JSON text"}),
]


@pytest.mark.parametrize(("message", "expected"), BAD_INPUTS)
def test_bad_input_gets_a_failure_reason_and_others_go_on(
    url: str, message: str | bytes, expected: dict[str, Any]
) -> None:
    with connect(url) as bystander, connect(url) as sender:
        _announce(bystander, B, event="started")
        _recv(bystander)
        sender.send(message)
        assert _recv(sender) == expected
        _announce(sender, A, event="started")  # the socket stays usable after a refused message
        assert _recv(sender)["incomplete"] == 2
        _announce(bystander, B)
        assert _recv(bystander)["incomplete"] == 2


def _closed_after(peer: ClientConnection) -> tuple[dict[str, Any], int | None]:
    """The failure reason, then the close code the tracker sent."""
    reply = _recv(peer)
    with pytest.raises(ConnectionClosed) as closed:
        peer.recv(timeout=WAIT)
    return reply, closed.value.rcvd.code if closed.value.rcvd else None


def test_an_oversized_message_is_refused_and_its_socket_closed(url: str) -> None:
    with connect(url) as bystander, connect(url, max_size=None) as sender:
        _announce(bystander, B, event="started")
        _recv(bystander)
        _announce(sender, A, offers=[{"offer": {"sdp": "x" * 70_000}, "offer_id": OFFER_ID}])
        reply, code = _closed_after(sender)
        assert (reply, code) == ({"failure reason": "message too large (at most 65536 bytes)"}, 1009)
        _announce(bystander, B)
        assert _recv(bystander)["incomplete"] == 1


def test_a_flooding_socket_is_refused_then_closed(url: str) -> None:
    with connect(url) as bystander, connect(url) as flooder:
        _announce(bystander, B, event="started")
        _recv(bystander)
        for _ in range(60):  # more than the burst of 40, faster than 10 a second
            _send(flooder, action="scrape", info_hash=SWARM)
        replies = []
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                replies.append(json.loads(flooder.recv(timeout=WAIT)))
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
        assert replies[-1] == {"failure reason": "too many messages: slow down"}
        assert len(replies) == 41  # the burst answered, then the refusal
        _announce(bystander, B)
        assert _recv(bystander)["incomplete"] == 1


def test_private_mode_serves_known_swarms_only_and_asks_the_store_once(server_kind: str) -> None:
    known = SWARM.encode("latin-1").hex()
    asked: list[str] = []

    def lookup(info_hash: str) -> bool:
        asked.append(info_hash)
        return info_hash == known

    tracker = Tracker(CachedLookup(lookup))
    with serving(tracker, server_kind) as url, connect(url) as a, connect(url) as b, connect(url) as stranger:
        for peer, peer_id in ((a, A), (b, B)):
            _announce(peer, peer_id, event="started")
            assert _recv(peer)["info_hash"] == SWARM
        _announce(stranger, C, OTHER_SWARM, event="started")
        reply, code = _closed_after(stranger)
        assert reply == {
            "failure reason": "info_hash not allowed on this tracker",
            "action": "announce",
            "info_hash": OTHER_SWARM,
        }
        assert code == 1008
        _announce(a, A)
        assert _recv(a)["incomplete"] == 2  # the others go on
    assert asked == [known, OTHER_SWARM.encode().hex()]  # one lookup per hash, then the cache


def test_health(url: str, tracker: Tracker) -> None:
    with connect(url) as peer:
        _announce(peer, A, event="started")
        _recv(peer)
        health = requests.get(url.replace("ws://", "http://").replace("/socket", "/health"), timeout=WAIT).json()
    assert health == {"status": "ok", "connections": 1, "swarms": 1, "peers": 1}


def test_a_fragmented_message_is_one_message(url: str) -> None:
    with connect(url) as peer:
        text = json.dumps({"action": "announce", "info_hash": SWARM, "peer_id": A, "event": "started"})
        peer.send([text[:10], text[10:30], text[30:]])  # three frames: text, continuation, continuation
        assert _recv(peer)["incomplete"] == 1
        peer.send([b"\x00bin", b"ary"])
        assert _recv(peer) == {"failure reason": "binary messages are not part of the protocol: send JSON text"}


def test_messages_after_an_announce_that_waits_for_the_store_keep_their_order(server_kind: str) -> None:
    def slow_lookup(info_hash: str) -> bool:
        time.sleep(0.3)
        return True

    tracker = Tracker(CachedLookup(slow_lookup))
    with serving(tracker, server_kind) as url, connect(url) as peer:
        _announce(peer, A, event="started")  # not cached yet: the store is asked
        _send(peer, action="scrape", info_hash=SWARM)
        _send(peer, action="nonsense")
        assert _recv(peer)["action"] == "announce"
        assert _recv(peer)["files"] == {SWARM: {"complete": 0, "incomplete": 1, "downloaded": 0}}
        assert _recv(peer) == {"failure reason": "unknown action"}


def test_the_production_server_refuses_a_huge_frame_before_reading_it(tracker: Tracker) -> None:
    with serving(tracker, "production") as url, connect(url) as bystander, connect(url, max_size=None) as sender:
        _announce(bystander, B, event="started")
        _recv(bystander)
        sender.send("x" * 200_000)  # over twice the tracker's limit: no failure reason, a close
        with pytest.raises(ConnectionClosed) as closed:
            sender.recv(timeout=WAIT)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
        _announce(bystander, B)
        assert _recv(bystander)["incomplete"] == 1


def test_the_production_server_serves_a_shards_path_too(tracker: Tracker) -> None:
    """Behind the load balancer, shard k's task is reached at /tracker/<k>/socket."""
    with serving(tracker, "production") as url:
        shard = url.replace("/tracker/socket", "/tracker/3/socket")
        with connect(shard) as a, connect(url) as b:
            _announce(b, B, event="started", numwant=0)
            _recv(b)
            _announce(a, A, event="started", numwant=1, offers=[_offer()])
            assert _recv(a)["incomplete"] == 2
            assert _recv(b)["peer_id"] == A  # one process: both paths reach the same swarms
        for bad in ("/tracker/x/socket", "/tracker/123/socket", "/tracker/3/socket/more"):
            with pytest.raises(Exception, match="404"):
                connect(url.replace("/tracker/socket", bad)).close()
