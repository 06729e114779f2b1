"""What blocklists hide: the accounts and servers muted for a viewer (the instance's blocks,
and the viewer's own), for video lists and for the inbox.

The instance's blocks are read on every list and every inbound activity, so each process
keeps them in memory and reads them again (one Query) at most every `REFRESH_SECONDS`, or
at once after it changed them itself. Another process's change therefore takes up to
`REFRESH_SECONDS` to show here. A viewer's own blocks cost one Query per request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from chalicelib import caches
from chalicelib.store import actors, blocklists

if TYPE_CHECKING:
    from chalicelib.store.models import Actor, Block, User

REFRESH_SECONDS = 30.0


@dataclass(frozen=True)
class Muted:
    """Blocked accounts (by id and ActivityPub id) and hosts (lower-cased)."""

    account_ids: frozenset[int] = field(default_factory=frozenset)
    account_urls: frozenset[str] = field(default_factory=frozenset)
    hosts: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, blocks: Iterable[Block]) -> Muted:
        ids: set[int] = set()
        urls: set[str] = set()
        hosts: set[str] = set()
        for block in blocks:
            if block.host is not None:
                hosts.add(str(block.host).lower())
            elif block.target_account_id is not None:
                ids.add(int(block.target_account_id))
                if block.target_url:
                    urls.add(str(block.target_url))
        return cls(frozenset(ids), frozenset(urls), frozenset(hosts))

    def __or__(self, other: Muted) -> Muted:
        return Muted(
            self.account_ids | other.account_ids, self.account_urls | other.account_urls, self.hosts | other.hosts
        )

    def __bool__(self) -> bool:
        return bool(self.account_ids or self.hosts)

    def mutes_actor(self, actor: Actor) -> bool:
        """An account, or a channel through its owner account, or anything on a muted host."""
        if int(actor.id) in self.account_ids or str(actor.url) in self.account_urls:
            return True
        if actor.account_id is not None and int(actor.account_id) in self.account_ids:
            return True
        return actor.host is not None and str(actor.host).lower() in self.hosts

    def mutes_url(self, url: object) -> bool:
        """An actor known only by its ActivityPub id (a forwarded activity's author)."""
        if not isinstance(url, str):
            return False
        return url in self.account_urls or (urlsplit(url).netloc.lower() in self.hosts)


class _InstanceBlocks:
    def __init__(self) -> None:
        self._muted = Muted()
        self._read_at: float | None = None
        self._lock = threading.Lock()

    def get(self) -> Muted:
        with self._lock:
            now = time.monotonic()
            if self._read_at is None or now - self._read_at >= REFRESH_SECONDS:
                self._muted = Muted.of(blocklists.list_blocks(instance_owner_id()))
                self._read_at = now
            return self._muted

    def invalidate(self) -> None:
        with self._lock:
            self._read_at = None


_instance = _InstanceBlocks()


def instance_owner_id() -> int:
    """The account that owns the instance's blocks: its server actor, as in PeerTube."""
    return actors.server_actor_id()


def by_instance() -> Muted:
    """The instance's blocks (no DynamoDB call while they are fresh)."""
    return _instance.get()


def for_viewer(viewer: User | None) -> Muted:
    """What lists hide from `viewer`: the instance's blocks and, when logged in, theirs."""
    muted = by_instance()
    if viewer is None:
        return muted
    return muted | Muted.of(blocklists.list_blocks(int(viewer.account_id)))


def instance_changed() -> None:
    """This process changed the instance's blocks: read them again on next use."""
    _instance.invalidate()


@caches.register
def reset() -> None:
    """Forget everything (tests: a new instance)."""
    _instance.invalidate()
