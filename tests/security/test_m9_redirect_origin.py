"""M9: fetches followed redirects across hosts, and callers compared a document's id with the
URL they asked for, not with where the answer came from: an open redirect on host V let
another server A serve an actor (or a video) "of V", whose key A holds."""

from __future__ import annotations

import uuid

from tests.api_client import ApiClient
from tests.federation_peer import Peer
from tests.members import Member
from tests.queue_runner import drain, drain_federation
from tests.security.fedsig_support import (
    another_server,
    post_with_key,
    published_remote_video,
    remote_video_urls,
)


def test_an_actor_behind_an_open_redirect_is_not_trusted_for_its_host(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    video = published_remote_video(peer, api)
    with another_server() as attacker:
        # V (the peer) has an open redirect; through it, A serves an actor whose id, inbox and
        # key are V URLs, with A's own key.
        fake_id = f"{peer.base}/out?to=actor"
        peer.redirects["/out?to=actor"] = f"{attacker.base}/fake-actor"
        attacker.objects["/fake-actor"] = {
            **attacker.actor("mallory"),
            "id": fake_id,
            "inbox": f"{peer.base}/out?to=inbox",
            "outbox": None,
            "followers": None,
            "following": None,
            "endpoints": {},
            "publicKey": {"id": f"{fake_id}#main-key", "owner": fake_id, "publicKeyPem": attacker.keys["publicKey"]},
        }
        delete = {"type": "Delete", "id": f"{peer.base}/forged/1", "actor": fake_id, "object": video["id"]}
        status = post_with_key(api, delete, f"{fake_id}#main-key", attacker.keys["privateKey"])
        assert status == 403
        assert drain("inbox") == 0
        assert "/fake-actor" not in attacker.fetches  # the redirect to another origin was not followed
    assert remote_video_urls(api) == [video["id"]]


def test_a_video_behind_an_open_redirect_is_not_taken_for_its_hosts(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    with another_server() as attacker:
        fake_id = f"{peer.base}/out?to=video"
        peer.redirects["/out?to=video"] = f"{attacker.base}/fake-video"
        attacker.objects["/fake-video"] = peer.video(str(uuid.uuid4()), "Not from V at all", id=fake_id)
        # V's channel shares "its" video (PeerTube's Announce): Cirrus fetches it by id.
        announce = {"type": "Announce", "id": f"{peer.channel_url()}/announces/1", "actor": peer.channel_url(),
                    "object": fake_id}  # fmt: skip
        assert peer.post(api, "/inbox", announce, name="cats").status == 204
        drain_federation()
        assert "/fake-video" not in attacker.fetches  # the redirect to another origin was not followed
    assert remote_video_urls(api) == []
