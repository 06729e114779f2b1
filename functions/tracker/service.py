"""The tracker: what each message does to the swarms, and who hears about it.

Independent of the server: the websocket layer (server.py in production, app.py through
ASGI) hands it each text message of a `Link`, and tells it when a socket ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from functions.tracker import protocol
from functions.tracker.known import AnyInfoHash, InfoHashPolicy
from functions.tracker.limits import BURST, RATE_PER_SECOND, TokenBucket
from functions.tracker.protocol import ANNOUNCE, STOPPED, Announce, Answer, ProtocolError, Scrape
from functions.tracker.registry import MAX_PEERS_PER_SWARM, PEER_TTL_SECONDS, SwarmRegistry
from functions.tracker.relay import MAX_SWARMS_PER_CONNECTION, POLICY_VIOLATION, TOO_BIG, Link

log = logging.getLogger("cirrus.tracker")

SWEEP_SECONDS = 60.0


@dataclass(frozen=True)
class TrackerLimits:
    max_message_bytes: int = protocol.MAX_MESSAGE_BYTES
    burst: int = BURST
    rate_per_second: float = RATE_PER_SECOND
    max_peers_per_swarm: int = MAX_PEERS_PER_SWARM
    peer_ttl: float = PEER_TTL_SECONDS
    sweep_seconds: float = SWEEP_SECONDS
    max_swarms_per_connection: int = MAX_SWARMS_PER_CONNECTION


class Tracker:
    def __init__(
        self,
        policy: InfoHashPolicy | None = None,
        limits: TrackerLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy or AnyInfoHash()
        self.limits = limits or TrackerLimits()
        self.clock = clock
        self.registry: SwarmRegistry[Link] = SwarmRegistry(self.limits.max_peers_per_swarm, self.limits.peer_ttl)
        self.connections = 0
        self._sweeper: asyncio.Task[None] | None = None

    def new_bucket(self) -> TokenBucket:
        return TokenBucket.full(self.clock(), self.limits.burst, self.limits.rate_per_second)

    def connected(self) -> None:
        self.connections += 1
        self._ensure_sweeper()

    def disconnected(self, link: Link) -> None:
        """A socket went away: its peers leave their swarms at once."""
        self.connections -= 1
        for info_hash, peer_id in link.memberships:
            self.registry.remove(info_hash, peer_id, link)
        link.memberships.clear()

    def handle(self, link: Link, data: bytes) -> Coroutine[Any, Any, None] | None:
        """Handle one text message (its UTF-8 bytes) at once; never raises for anything a
        client sends. Only an announce for a swarm whose answer is not cached needs to wait
        for the store: then the rest of its handling is returned, to be awaited before the
        socket's next message."""
        if link.closing:
            return None
        if not link.bucket.take(self.clock()):
            link.post(protocol.failure("too many messages: slow down"))
            link.close(POLICY_VIOLATION)
            return None
        limit = self.limits.max_message_bytes
        if len(data) > limit:
            link.post(protocol.failure(f"message too large (at most {limit} bytes)"))
            link.close(TOO_BIG)
            return None
        try:
            message = protocol.parse(data)
            if isinstance(message, Announce):
                allowed = self.policy.cached(message.info_hash)
                if allowed is None:
                    return self._announce_after_lookup(link, message)
                self._announce(link, message, allowed)
            elif isinstance(message, Answer):
                self._answer(message)
            else:
                self._scrape(link, message)
        except ProtocolError as error:
            link.post(protocol.failure_for(error))
        return None

    async def receive(self, link: Link, data: bytes) -> None:
        """`handle`, waiting for the store when it has to."""
        pending = self.handle(link, data)
        if pending is not None:
            await pending

    def refuse_binary(self, link: Link) -> None:
        link.post(protocol.failure("binary messages are not part of the protocol: send JSON text"))

    async def _announce_after_lookup(self, link: Link, announce: Announce) -> None:
        try:
            try:
                allowed = await self.policy.allows(announce.info_hash)
            except Exception:
                log.exception("info hash lookup failed")
                raise ProtocolError(
                    "the tracker cannot check this swarm now, retry later", ANNOUNCE, announce.info_hash
                ) from None
            if not link.closing:
                self._announce(link, announce, allowed)
        except ProtocolError as error:
            link.post(protocol.failure_for(error))

    def _announce(self, link: Link, announce: Announce, allowed: bool) -> None:
        info_hash = announce.info_hash
        if not allowed:
            # As PeerTube's tracker: refused, and the socket closed.
            link.post(protocol.failure("info_hash not allowed on this tracker", ANNOUNCE, info_hash))
            link.close(POLICY_VIOLATION)
            return
        membership = (info_hash, announce.peer_id)
        if announce.event == STOPPED:
            link.memberships.discard(membership)
        elif membership not in link.memberships:
            if len(link.memberships) >= self.limits.max_swarms_per_connection:
                raise ProtocolError("too many swarms on one connection", ANNOUNCE, info_hash)
            link.memberships.add(membership)
        complete, incomplete = self.registry.announce(
            info_hash, announce.peer_id, link, announce.event, announce.complete, self.clock()
        )
        link.post(protocol.announce_reply(info_hash, complete, incomplete))
        if announce.numwant:
            peers = self.registry.sample(info_hash, announce.numwant, exclude=link)
            tail = protocol.sender_tail(info_hash, announce.peer_id)
            for peer, offer in zip(peers, announce.offers, strict=False):
                peer.connection.post(offer.head + tail)  # each offer encoded once, when parsed

    def _answer(self, answer: Answer) -> None:
        """Relay to the offerer; an answer to a peer that left is dropped (it would time out)."""
        offerer = self.registry.peer(answer.info_hash, answer.to_peer_id)
        if offerer is not None:
            offerer.connection.post(protocol.answer_message(answer))

    def _scrape(self, link: Link, scrape: Scrape) -> None:
        if not scrape.info_hashes:
            # Listing every swarm would tell anyone which videos are being watched, at the
            # cost of one message as large as the tracker: ask for the swarms you know.
            raise ProtocolError("scrape needs info_hash (one or a list)", protocol.SCRAPE)
        counts = {info_hash: self.registry.counts(info_hash) for info_hash in scrape.info_hashes}
        link.post(protocol.scrape_reply(counts))

    def sweep(self) -> int:
        return self.registry.expire(self.clock())

    def _ensure_sweeper(self) -> None:
        if self._sweeper is None or self._sweeper.done():
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forever())

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.limits.sweep_seconds)
            dropped = self.sweep()
            if dropped:
                log.info("dropped %d peers that stopped announcing", dropped)

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper

    def health(self) -> dict[str, int | str]:
        return {
            "status": "ok",
            "connections": self.connections,
            "swarms": self.registry.swarm_count,
            "peers": self.registry.peer_count,
        }
