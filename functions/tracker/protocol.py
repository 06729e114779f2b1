"""The WebTorrent websocket tracker protocol: parsing, validation and the messages sent.

What clients send (bittorrent-tracker's websocket client, which p2p-media-loader uses):

    announce  {action, info_hash, peer_id, event?, numwant?, offers?: [{offer, offer_id}], left?, ...}
    answer    {action: "announce", info_hash, peer_id, to_peer_id, answer, offer_id}
    scrape    {action: "scrape", info_hash?: one or a list}

`info_hash`, `peer_id`, `to_peer_id` and `offer_id` are 20-byte binary strings: in JSON,
20 characters each below U+0100 (one per byte, as latin-1). Swarms and peers are keyed by
their hex here; messages sent carry the binary form again. Pure: no I/O.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# A real announce carries at most 5 offers (the client's own limit), each an SDP of 1-10 KB
# with its ICE candidates: 64 KiB leaves room for that and refuses anything bigger before
# it is parsed (a parsed JSON document costs several times its size in memory).
MAX_MESSAGE_BYTES = 64 * 1024
# Peers handed out per announce: bittorrent-tracker's maximum (PeerTube's tracker).
MAX_PEERS_PER_ANNOUNCE = 82
# Several info hashes in one scrape: bounded so one message cannot ask for the whole tracker.
MAX_SCRAPE_HASHES = 100
# Seconds between announces asked of websocket clients (PeerTube: 10 min / 5).
ANNOUNCE_INTERVAL = 120
# Scrape replies' `min_request_interval` (PeerTube: the HTTP announce interval, 10 min).
SCRAPE_INTERVAL = 600

ANNOUNCE, SCRAPE = "announce", "scrape"
STARTED, UPDATE, COMPLETED, STOPPED = "started", "update", "completed", "stopped"
# "paused" and "empty" are updates for a tracker (bittorrent-tracker treats them so).
_EVENTS = {STARTED: STARTED, UPDATE: UPDATE, COMPLETED: COMPLETED, STOPPED: STOPPED, "paused": UPDATE, "empty": UPDATE}
ID_LENGTH = 20


class ProtocolError(Exception):
    """A message the tracker refuses; `reason` goes back as the `failure reason`."""

    def __init__(self, reason: str, action: str | None = None, info_hash: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.action = action
        self.info_hash = info_hash  # hex, when the message had a valid one


@dataclass(frozen=True, slots=True)
class Offer:
    offer: dict[str, Any]
    offer_id: str  # binary, relayed as received


@dataclass(frozen=True, slots=True)
class Announce:
    info_hash: str  # hex
    peer_id: str  # hex
    event: str
    complete: bool  # the client said `left: 0`
    numwant: int
    offers: tuple[Offer, ...] = ()


@dataclass(frozen=True, slots=True)
class Answer:
    """A peer's answer to an offer it received: relayed to the offerer only."""

    info_hash: str  # hex
    peer_id: str  # hex, the answering peer
    to_peer_id: str  # hex, the offerer
    answer: dict[str, Any]
    offer_id: str  # binary


@dataclass(frozen=True, slots=True)
class Scrape:
    info_hashes: tuple[str, ...]  # hex; empty means "every swarm", which is refused


Message = Announce | Answer | Scrape


def to_hex(binary: str) -> str:
    return binary.encode("latin-1").hex()


def to_binary(hex_id: str) -> str:
    return bytes.fromhex(hex_id).decode("latin-1")


def parse(data: bytes | str) -> Message:
    """One client message (a text frame's UTF-8 bytes), validated; raises ProtocolError."""
    document = _load(data)
    if not isinstance(document, dict):
        raise ProtocolError("a message must be a JSON object")
    action = document.get("action")
    if action == ANNOUNCE:
        return _announce(document)
    if action == SCRAPE:
        return _scrape(document)
    raise ProtocolError("unknown action" if isinstance(action, str) else "missing or invalid action")


def _announce(document: dict[str, Any]) -> Announce | Answer:
    info_hash = _binary_id(document.get("info_hash"), "info_hash", None)
    peer_id = _binary_id(document.get("peer_id"), "peer_id", info_hash)
    if document.get("answer") is not None:
        return Answer(
            info_hash=info_hash,
            peer_id=peer_id,
            to_peer_id=_binary_id(document.get("to_peer_id"), "to_peer_id", info_hash),
            answer=_signal(document["answer"], "answer", info_hash),
            offer_id=to_binary(_binary_id(document.get("offer_id"), "offer_id", info_hash)),
        )
    event = document.get("event") or UPDATE
    if event not in _EVENTS:
        raise ProtocolError("invalid event", ANNOUNCE, info_hash)
    event = _EVENTS[event]
    offers = _offers(document.get("offers"), info_hash) if event not in (STOPPED, COMPLETED) else ()
    numwant = document.get("numwant", len(offers))
    if isinstance(numwant, bool) or not isinstance(numwant, int) or numwant < 0:
        raise ProtocolError("invalid numwant", ANNOUNCE, info_hash)
    return Announce(
        info_hash=info_hash,
        peer_id=peer_id,
        event=event,
        complete=_left(document.get("left"), info_hash) == 0,
        numwant=min(numwant, len(offers), MAX_PEERS_PER_ANNOUNCE),
        offers=offers,
    )


def _scrape(document: dict[str, Any]) -> Scrape:
    value = document.get("info_hash")
    if value is None:
        return Scrape(())
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list):
        raise ProtocolError("invalid info_hash", SCRAPE)
    if len(values) > MAX_SCRAPE_HASHES:
        raise ProtocolError(f"too many info hashes in one scrape (at most {MAX_SCRAPE_HASHES})", SCRAPE)
    return Scrape(tuple(_binary_id(v, "info_hash", None, SCRAPE) for v in values))


def _binary_id(value: Any, name: str, info_hash: str | None, action: str = ANNOUNCE) -> str:
    """A 20-byte id as JSON carries it (20 characters below U+0100), to hex."""
    if not isinstance(value, str) or len(value) != ID_LENGTH:
        raise ProtocolError(f"invalid {name}", action, info_hash)
    try:
        return to_hex(value)
    except UnicodeEncodeError:
        raise ProtocolError(f"invalid {name}", action, info_hash) from None


def _offers(value: Any, info_hash: str) -> tuple[Offer, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ProtocolError("invalid offers", ANNOUNCE, info_hash)
    if len(value) > MAX_PEERS_PER_ANNOUNCE:
        raise ProtocolError(f"too many offers (at most {MAX_PEERS_PER_ANNOUNCE})", ANNOUNCE, info_hash)
    offers = []
    for item in value:
        if not isinstance(item, dict):
            raise ProtocolError("invalid offer", ANNOUNCE, info_hash)
        offer_id = to_binary(_binary_id(item.get("offer_id"), "offer_id", info_hash))
        offers.append(Offer(_signal(item.get("offer"), "offer", info_hash), offer_id))
    return tuple(offers)


def _signal(value: Any, name: str, info_hash: str) -> dict[str, Any]:
    """An SDP offer or answer: an object, relayed as is (the peers understand it, not us)."""
    if not isinstance(value, dict):
        raise ProtocolError(f"invalid {name}", ANNOUNCE, info_hash)
    return value


def _left(value: Any, info_hash: str) -> float | None:
    if value is None:
        return None  # p2p-media-loader does not send it: a leecher
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ProtocolError("invalid left", ANNOUNCE, info_hash)
    try:
        return float(value)
    except ValueError:
        raise ProtocolError("invalid left", ANNOUNCE, info_hash) from None


# Messages sent ----------------------------------------------------------------------------


def _load(data: bytes | str) -> Any:
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        raise ProtocolError("malformed JSON") from None


def _dump(document: dict[str, Any]) -> bytes:
    # ensure_ascii: binary ids travel as \u00XX escapes, which every JSON parser reads back
    # as the same code points (never as UTF-8 bytes).
    return json.dumps(document, separators=(",", ":")).encode()


def announce_reply(info_hash: str, complete: int, incomplete: int) -> bytes:
    return _dump(
        {
            "action": ANNOUNCE,
            "interval": ANNOUNCE_INTERVAL,
            "info_hash": to_binary(info_hash),
            "complete": complete,
            "incomplete": incomplete,
        }
    )


def offer_message(info_hash: str, from_peer_id: str, offer: Offer) -> bytes:
    return _dump(
        {
            "action": ANNOUNCE,
            "offer": offer.offer,
            "offer_id": offer.offer_id,
            "peer_id": to_binary(from_peer_id),
            "info_hash": to_binary(info_hash),
        }
    )


def answer_message(answer: Answer) -> bytes:
    return _dump(
        {
            "action": ANNOUNCE,
            "answer": answer.answer,
            "offer_id": answer.offer_id,
            "peer_id": to_binary(answer.peer_id),
            "info_hash": to_binary(answer.info_hash),
        }
    )


def scrape_reply(counts: dict[str, tuple[int, int]]) -> bytes:
    """`counts`: hex info hash → (complete, incomplete)."""
    files = {
        to_binary(info_hash): {"complete": complete, "incomplete": incomplete, "downloaded": complete}
        for info_hash, (complete, incomplete) in counts.items()
    }
    return _dump({"action": SCRAPE, "files": files, "flags": {"min_request_interval": SCRAPE_INTERVAL}})


def failure(reason: str, action: str | None = None, info_hash: str | None = None) -> bytes:
    document: dict[str, Any] = {"failure reason": reason}
    if action is not None:
        document["action"] = action
    if info_hash is not None:
        document["info_hash"] = to_binary(info_hash)
    return _dump(document)


def failure_for(error: ProtocolError) -> bytes:
    return failure(error.reason, error.action, error.info_hash)
