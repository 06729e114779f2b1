"""The tracker: what each message does to the swarms, and who hears about it.

Independent of the web framework: the websocket layer (app.py) hands it each text message
of a `Connection`, and tells it when a connection ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from functions.tracker import protocol
from functions.tracker.known import AnyInfoHash, InfoHashPolicy
from functions.tracker.limits import BURST, RATE_PER_SECOND, TokenBucket
from functions.tracker.protocol import ANNOUNCE, STOPPED, Announce, Answer, ProtocolError, Scrape
from functions.tracker.registry import MAX_PEERS_PER_SWARM, PEER_TTL_SECONDS, SwarmRegistry
from functions.tracker.relay import MAX_SWARMS_PER_CONNECTION, POLICY_VIOLATION, TOO_BIG, Connection

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
        self.registry: SwarmRegistry[Connection] = SwarmRegistry(self.limits.max_peers_per_swarm, self.limits.peer_ttl)
        self.connections = 0
        self._sweeper: asyncio.Task[None] | None = None

    def new_bucket(self) -> TokenBucket:
        return TokenBucket.full(self.clock(), self.limits.burst, self.limits.rate_per_second)

    def connected(self) -> None:
        self.connections += 1
        self._ensure_sweeper()

    def disconnected(self, connection: Connection) -> None:
        """A socket went away: its peers leave their swarms at once."""
        self.connections -= 1
        for info_hash, peer_id in connection.memberships:
            self.registry.remove(info_hash, peer_id, connection)
        connection.memberships.clear()

    async def receive(self, connection: Connection, text: str) -> None:
        """Handle one text message; never raises for anything a client sends."""
        if connection.closing:
            return
        if not connection.bucket.take(self.clock()):
            connection.post(protocol.failure("too many messages: slow down"))
            connection.close(POLICY_VIOLATION)
            return
        limit = self.limits.max_message_bytes
        if len(text) > limit or len(text.encode("utf-8", "surrogatepass")) > limit:
            connection.post(protocol.failure(f"message too large (at most {limit} bytes)"))
            connection.close(TOO_BIG)
            return
        try:
            message = protocol.parse(text)
            if isinstance(message, Announce):
                await self._announce(connection, message)
            elif isinstance(message, Answer):
                self._answer(message)
            else:
                self._scrape(connection, message)
        except ProtocolError as error:
            connection.post(protocol.failure_for(error))

    def refuse_binary(self, connection: Connection) -> None:
        connection.post(protocol.failure("binary messages are not part of the protocol: send JSON text"))

    async def _announce(self, connection: Connection, announce: Announce) -> None:
        info_hash = announce.info_hash
        try:
            allowed = await self.policy.allows(info_hash)
        except Exception:
            log.exception("info hash lookup failed")
            raise ProtocolError("the tracker cannot check this swarm now, retry later", ANNOUNCE, info_hash) from None
        if not allowed:
            # As PeerTube's tracker: refused, and the socket closed.
            connection.post(protocol.failure("info_hash not allowed on this tracker", ANNOUNCE, info_hash))
            connection.close(POLICY_VIOLATION)
            return
        membership = (info_hash, announce.peer_id)
        if announce.event == STOPPED:
            connection.memberships.discard(membership)
        elif membership not in connection.memberships:
            if len(connection.memberships) >= self.limits.max_swarms_per_connection:
                raise ProtocolError("too many swarms on one connection", ANNOUNCE, info_hash)
            connection.memberships.add(membership)
        complete, incomplete = self.registry.announce(
            info_hash, announce.peer_id, connection, announce.event, announce.complete, self.clock()
        )
        connection.post(protocol.announce_reply(info_hash, complete, incomplete))
        if announce.numwant:
            peers = self.registry.sample(info_hash, announce.numwant, exclude=connection)
            for peer, offer in zip(peers, announce.offers, strict=False):
                peer.connection.post(protocol.offer_message(info_hash, announce.peer_id, offer))

    def _answer(self, answer: Answer) -> None:
        """Relay to the offerer; an answer to a peer that left is dropped (it would time out)."""
        offerer = self.registry.peer(answer.info_hash, answer.to_peer_id)
        if offerer is not None:
            offerer.connection.post(protocol.answer_message(answer))

    def _scrape(self, connection: Connection, scrape: Scrape) -> None:
        if not scrape.info_hashes:
            # Listing every swarm would tell anyone which videos are being watched, at the
            # cost of one message as large as the tracker: ask for the swarms you know.
            raise ProtocolError("scrape needs info_hash (one or a list)", protocol.SCRAPE)
        counts = {info_hash: self.registry.counts(info_hash) for info_hash in scrape.info_hashes}
        connection.post(protocol.scrape_reply(counts))

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
