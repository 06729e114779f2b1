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

from dataclasses import dataclass, field
from typing import Any

import orjson

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
    # The relayed message up to its sender's ids, encoded once when parsed.
    head: bytes = field(default=b"", compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.head:
            object.__setattr__(self, "head", _head("offer", self.offer, self.offer_id))


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
    head: bytes = field(default=b"", compare=False, repr=False)  # as Offer's

    def __post_init__(self) -> None:
        if not self.head:
            object.__setattr__(self, "head", _head("answer", self.answer, self.offer_id))


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
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError:  # also invalid UTF-8, and nesting deeper than 1024
        raise ProtocolError("malformed JSON") from None
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
        to_peer_id = _binary_id(document.get("to_peer_id"), "to_peer_id", info_hash)
        answer = _signal(document["answer"], "answer", info_hash)
        offer_id = _binary(document.get("offer_id"), "offer_id", info_hash)
        return Answer(
            info_hash, peer_id, to_peer_id, answer, offer_id, _checked_head("answer", answer, offer_id, info_hash)
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


def _binary(value: Any, name: str, info_hash: str) -> str:
    """A 20-byte id checked as `_binary_id` does, kept as it came (it is only relayed)."""
    if not isinstance(value, str) or len(value) != ID_LENGTH or not (value.isascii() or max(value) <= "\xff"):
        raise ProtocolError(f"invalid {name}", ANNOUNCE, info_hash)
    return value


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
        offer_id = _binary(item.get("offer_id"), "offer_id", info_hash)
        offer = _signal(item.get("offer"), "offer", info_hash)
        offers.append(Offer(offer, offer_id, _checked_head("offer", offer, offer_id, info_hash)))
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


# Encoded with orjson, about 30 times faster than the standard library's encoder on these
# messages (the tracker's main cost was JSON). Binary ids go out as their characters in UTF-8
# (U+00FF as the bytes C3 BF), as PeerTube's tracker sends them (JSON.stringify): every
# client's JSON parser reads back the same 20 characters below U+0100.
_dump = orjson.dumps


def _head(kind: str, signal: dict[str, Any], offer_id: str) -> bytes:
    """A relayed offer or answer up to its sender's ids (`sender_tail` ends it)."""
    return b'{"action":"announce","' + kind.encode() + b'":' + _dump(signal) + b',"offer_id":' + _dump(offer_id)


def _checked_head(kind: str, signal: dict[str, Any], offer_id: str, info_hash: str) -> bytes:
    try:
        return _head(kind, signal, offer_id)
    except orjson.JSONEncodeError:  # nested deeper than the encoder goes (254 levels)
        raise ProtocolError(f"invalid {kind}", ANNOUNCE, info_hash) from None


def sender_tail(info_hash: str, peer_id: str) -> bytes:
    """The end of every message relayed from `peer_id` (hex) in swarm `info_hash` (hex)."""
    return b',"peer_id":' + _dump(to_binary(peer_id)) + b',"info_hash":' + _dump(to_binary(info_hash)) + b"}"


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
    """`{action, offer, offer_id, peer_id: <offerer>, info_hash}` (several offers of one
    announce share one `sender_tail`: see the tracker)."""
    return offer.head + sender_tail(info_hash, from_peer_id)


def answer_message(answer: Answer) -> bytes:
    """`{action, answer, offer_id, peer_id: <answerer>, info_hash}`."""
    return answer.head + sender_tail(answer.info_hash, answer.peer_id)


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
