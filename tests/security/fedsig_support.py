"""Helpers of the federation-signature findings (C1, M2, M8, M9, L1, L2, L11): a second
loopback server (the attacker, or a third party), genuine LD signatures by the peer's actors,
and what the API then shows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from chalicelib.activitypub.signatures.ld import sign_document
from chalicelib.store.models import Video
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.federation_peer import Peer
from tests.members import Member
from tests.queue_runner import drain_federation
from tests.video_seed import add_video

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
AS_CONTEXT = ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"]


@contextmanager
def another_server() -> Iterator[Peer]:
    """One more server on loopback (use with the `peer` fixture, which allows loopback)."""
    server = Peer().start()
    try:
        yield server
    finally:
        server.stop()


def ld_signed(peer: Peer, activity: dict[str, Any], name: str, created: datetime | None = None) -> dict[str, Any]:
    """`activity` as the peer's actor `name` LD-signs it (PeerTube and Cirrus sign all they send)."""
    return sign_document(
        {"@context": AS_CONTEXT, **activity}, f"{peer.url(name)}#main-key", peer.keys["privateKey"], created
    )


def published_remote_video(peer: Peer, api: ApiClient) -> dict[str, Any]:
    """A video of carol's on the peer, created here by her Create; its document. Our instance
    follows the peer first: only then are its videos listed (PeerTube's rule, finding M7)."""
    listed_here(peer, api)
    document = peer.video(str(uuid.uuid4()), "Carol's video")
    peer.publish(api, document)
    assert remote_video_urls(api) == [document["id"]]
    return document


def listed_here(peer: Peer, api: ApiClient) -> None:
    """Our instance follows the peer (once), so that its videos are listed here (M7)."""
    if not getattr(peer, "followed_here", False):
        peer.followed_by_our_instance(api, api.login("root", ROOT_PASSWORD)["access_token"])
        peer.received.clear()
        peer.followed_here = True  # type: ignore[attr-defined]


def remote_video_urls(api: ApiClient) -> list[str]:
    return [v["url"] for v in api.get("/api/v1/videos?isLocal=false").json()["data"]]


def local_video(member: Member, **fields: Any) -> Video:
    return add_video(member.account_id, member.channel_id, "Alice's video", **fields)


def comment_texts(api: ApiClient, video_uuid: str) -> list[str]:
    threads = api.get(f"/api/v1/videos/{video_uuid}/comment-threads").json()["data"]
    return [str(thread["text"]) for thread in threads]


def note(peer: Peer, video_url: str, text: str, number: int = 1, name: str = "carol") -> dict[str, Any]:
    """`name`'s Create of a public comment on `video_url` (unsigned)."""
    actor = peer.url(name)
    comment = {
        "type": "Note",
        "id": f"{actor}/comments/{number}",
        "attributedTo": actor,
        "inReplyTo": video_url,
        "to": [PUBLIC],
        "cc": [f"{actor}/followers"],
        "content": text,
        "mediaType": "text/markdown",
        "published": "2026-11-01T10:00:00.000Z",
    }
    return {
        "type": "Create",
        "id": f"{comment['id']}/activity",
        "actor": actor,
        "to": [PUBLIC],
        "cc": [f"{actor}/followers"],
        "object": comment,
    }


def deliver(peer: Peer, api: ApiClient, activity: dict[str, Any], name: str) -> int:
    """POST `activity` signed (HTTP) by the peer's actor `name`, then process the inbox; the status."""
    status = peer.post(api, "/inbox", activity, name=name).status
    drain_federation()
    return status


def post_with_key(api: ApiClient, activity: dict[str, Any], key_id: str, private_key_pem: str) -> int:
    """POST `activity` to our shared inbox, HTTP-signed with any key id (not only a peer actor's)."""
    import json

    from chalicelib.activitypub.signatures import sign_request
    from chalicelib.config import get_settings

    body = json.dumps(activity).encode()
    headers = dict(sign_request("POST", f"{get_settings().instance_url}/inbox", body, key_id, private_key_pem))
    headers["Content-Type"] = "application/activity+json"
    return api.request("POST", "/inbox", body=body, headers=headers).status
