"""The private keys local actors sign with, read once per container and kept a while."""

from __future__ import annotations

import time
from dataclasses import dataclass

from chalicelib import caches
from chalicelib.store import actors, sealed_keys

KEEP_SECONDS = 600


@dataclass(frozen=True)
class SignerKey:
    key_id: str  # `<actor url>#main-key`, as PeerTube names it
    private_key_pem: str


class UnknownSigner(LookupError):
    """The signing actor is gone or is not local: its activities cannot be sent any more."""


_cache: dict[int, tuple[float, SignerKey]] = {}


def signer_key(actor_id: int) -> SignerKey:
    now = time.monotonic()
    cached = _cache.get(actor_id)
    if cached and cached[0] > now:
        return cached[1]
    actor = actors.get_actor(actor_id)
    if actor is None or not actor.private_key_pem:
        raise UnknownSigner(f"actor {actor_id} cannot sign")
    key = SignerKey(key_id(str(actor.url)), sealed_keys.unseal(str(actor.private_key_pem), actor_id))
    _cache[actor_id] = (now + KEEP_SECONDS, key)
    return key


def key_id(actor_url: str) -> str:
    return f"{actor_url}#main-key"


@caches.register
def reset() -> None:
    _cache.clear()
