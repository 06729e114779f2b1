"""L1: every inbox POST with a bad signature made two fetches of the attacker-chosen key
owner (the cache miss, then a "rotated key" refetch right after), and a collection could
name up to fifty forwarded authors, each resolved (fetched) in the request."""

from __future__ import annotations

from typing import Any

from chalicelib.activitypub.inbox.receive import MAX_FORWARDED_AUTHORS
from tests.api_client import ApiClient
from tests.federation_peer import Peer
from tests.members import Member
from tests.queue_runner import drain
from tests.security.fedsig_support import another_server, ld_signed


def actor_fetches(peer: Peer, name: str) -> int:
    return sum(1 for path in peer.fetches if path.split("?")[0] == f"/accounts/{name}")


def test_a_bad_signature_fetches_a_fresh_key_owner_once(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    activity = {"type": "Like", "id": f"{peer.url('mallory')}/likes/1", "actor": peer.url("mallory"),
                "object": f"{peer.base}/videos/watch/x"}  # fmt: skip
    peer.keys = {**peer.keys, "privateKey": _other_private_key()}  # its actor still shows the old key
    answer = peer.post(api, "/inbox", activity, name="mallory")
    assert answer.status == 403 and answer.json()["detail"] == "Invalid signature"
    assert actor_fetches(peer, "mallory") == 1
    assert peer.post(api, "/inbox", activity, name="mallory").status == 403
    assert actor_fetches(peer, "mallory") == 1  # fetched a moment ago: not fetched again


def test_a_post_resolves_few_forwarded_authors(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    activities: list[dict[str, Any]] = []
    for number in range(MAX_FORWARDED_AUTHORS + 5):
        name = f"author{number}"
        like = {"type": "Like", "id": f"{peer.url(name)}/likes/1", "actor": peer.url(name),
                "object": f"{peer.base}/videos/watch/x"}  # fmt: skip
        activities.append(ld_signed(peer, like, name))
    collection = {"type": "Collection", "id": f"{peer.base}/c/1", "items": activities}
    with another_server() as forwarder:
        answer = forwarder.post(api, "/inbox", collection, name="mallory")
        assert answer.status == 400, answer.body
    assert drain("inbox") == 0
    fetched = {path for path in peer.fetches if path.startswith("/accounts/author")}
    assert len(fetched) <= MAX_FORWARDED_AUTHORS


def _other_private_key() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return pem.decode("ascii")
