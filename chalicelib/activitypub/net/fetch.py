"""Fetching ActivityPub documents from other servers, signed by the instance actor (PeerTube
signs its fetches, and servers in authorized-fetch mode require it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from chalicelib.activitypub.delivery.signer_keys import signer_key
from chalicelib.store.actors import server_actor_id


def fetch_document(url: str) -> dict[str, Any]:
    """The JSON object whose ActivityPub id is `url`, as its own origin serves it (no redirect
    to another origin); raises RemoteFetchError (chalicelib.activitypub.errors)."""
    from chalicelib.activitypub.net.transport import fetch_json
    from chalicelib.activitypub.signatures import sign_request

    key = signer_key(server_actor_id())

    def sign(method: str, target: str, body: bytes | None) -> Mapping[str, str]:
        return sign_request(method, target, body, key.key_id, key.private_key_pem)

    return fetch_json(url, sign=sign, by_id=True)
