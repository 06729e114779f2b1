"""Swarms by info hash, and their peers: who is there, who completed, who went quiet.

A pure data structure (the caller passes the clock): each swarm keeps its peers in the
order of their last announce, so expiring the quiet ones and evicting the stalest when a
swarm is full both take them from the front, and a peer's announce moves it to the back.
Peers carry an opaque `connection`: whatever the caller uses to reach them.
"""

from __future__ import annotations

import random
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from functions.tracker.protocol import COMPLETED, STOPPED

# PeerTube's tracker keeps at most 1000 peers per swarm and forgets a peer 20 minutes
# after its last announce (clients announce every 2 minutes on websockets).
MAX_PEERS_PER_SWARM = 1000
PEER_TTL_SECONDS = 20 * 60

C = TypeVar("C")


@dataclass(slots=True)
class Peer(Generic[C]):
    peer_id: str  # hex
    connection: C
    complete: bool
    last_seen: float


@dataclass(slots=True)
class Swarm(Generic[C]):
    peers: OrderedDict[str, Peer[C]] = field(default_factory=OrderedDict)
    complete: int = 0

    @property
    def incomplete(self) -> int:
        return len(self.peers) - self.complete


class SwarmRegistry(Generic[C]):
    def __init__(self, max_peers_per_swarm: int = MAX_PEERS_PER_SWARM, peer_ttl: float = PEER_TTL_SECONDS) -> None:
        self.max_peers_per_swarm = max_peers_per_swarm
        self.peer_ttl = peer_ttl
        self._swarms: dict[str, Swarm[C]] = {}

    def announce(
        self, info_hash: str, peer_id: str, connection: C, event: str, complete: bool, now: float
    ) -> tuple[int, int]:
        """Record an announce; the swarm's (complete, incomplete) counts after it.

        `stopped` removes the peer (only when it comes from the peer's own connection: a
        peer id seen in an offer cannot be used to remove someone). Any other event adds
        the peer if it is new (evicting the stalest peer of a full swarm) or refreshes it;
        a newer connection announcing an existing peer id takes it over (a reconnect).
        """
        swarm = self._swarms.get(info_hash)
        if event == STOPPED:
            if swarm is not None:
                self.remove(info_hash, peer_id, connection)
            return self.counts(info_hash)
        if swarm is None:
            swarm = self._swarms[info_hash] = Swarm()
        peer = swarm.peers.get(peer_id)
        if peer is None:
            if len(swarm.peers) >= self.max_peers_per_swarm:
                _, stalest = swarm.peers.popitem(last=False)
                swarm.complete -= stalest.complete
            peer = swarm.peers[peer_id] = Peer(peer_id, connection, False, now)
        else:
            swarm.peers.move_to_end(peer_id)
            peer.connection = connection
            peer.last_seen = now
        if (complete or event == COMPLETED) and not peer.complete:
            peer.complete = True
            swarm.complete += 1
        return swarm.complete, swarm.incomplete

    def remove(self, info_hash: str, peer_id: str, connection: C) -> bool:
        """Take a peer out of its swarm if it is still this connection's."""
        swarm = self._swarms.get(info_hash)
        peer = swarm.peers.get(peer_id) if swarm is not None else None
        if swarm is None or peer is None or peer.connection is not connection:
            return False
        del swarm.peers[peer_id]
        swarm.complete -= peer.complete
        if not swarm.peers:
            del self._swarms[info_hash]
        return True

    def peer(self, info_hash: str, peer_id: str) -> Peer[C] | None:
        swarm = self._swarms.get(info_hash)
        return swarm.peers.get(peer_id) if swarm is not None else None

    def sample(self, info_hash: str, count: int, exclude: C) -> list[Peer[C]]:
        """Up to `count` peers of the swarm picked at random, none on connection `exclude`."""
        swarm = self._swarms.get(info_hash)
        if swarm is None or count <= 0:
            return []
        peers = swarm.peers
        if len(peers) <= count + 1:
            candidates = list(peers.values())
            random.shuffle(candidates)
        else:
            # One more than asked, in case the announcing peer itself is drawn.
            candidates = [peers[key] for key in random.sample(list(peers), count + 1)]
        return [peer for peer in candidates if peer.connection is not exclude][:count]

    def counts(self, info_hash: str) -> tuple[int, int]:
        swarm = self._swarms.get(info_hash)
        return (swarm.complete, swarm.incomplete) if swarm is not None else (0, 0)

    def expire(self, now: float) -> int:
        """Drop the peers whose last announce is older than the TTL; how many went."""
        deadline = now - self.peer_ttl
        dropped = 0
        for info_hash in list(self._swarms):
            swarm = self._swarms[info_hash]
            while swarm.peers:
                oldest = next(iter(swarm.peers.values()))
                if oldest.last_seen >= deadline:
                    break
                swarm.peers.popitem(last=False)
                swarm.complete -= oldest.complete
                dropped += 1
            if not swarm.peers:
                del self._swarms[info_hash]
        return dropped

    @property
    def swarm_count(self) -> int:
        return len(self._swarms)

    @property
    def peer_count(self) -> int:
        return sum(len(swarm.peers) for swarm in self._swarms.values())
