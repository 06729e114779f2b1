"""Follows across servers, driven the way a remote server drives them: signed POSTs to the
inboxes over the API, answers delivered over real HTTP to a peer on loopback."""

from __future__ import annotations

import json

import pytest

from chalicelib.activitypub.signatures import InboundRequest, parse_signature, verify_signature
from chalicelib.activitypub.signatures.ld import verify_document
from chalicelib.config import get_settings
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.federation_peer import Peer, Received
from tests.members import Member
from tests.openapi import assert_conforms
from tests.queue_runner import drain, drain_federation
from tests.unit.ap_fixtures import fixture

FOLLOWER_NULLS = ("hostRedundancyAllowed",)


def our(path: str) -> str:
    return f"{get_settings().instance_url}{path}"


def follow_of_our_instance(peer: Peer) -> dict[str, object]:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Follow",
        "id": f"{peer.url()}/follows/1",
        "actor": peer.url(),
        "object": our("/accounts/peertube"),
    }


def verified_by(received: Received, api: ApiClient, actor_path: str) -> bool:
    """Whether a delivery's HTTP signature holds against our actor's published key."""
    key = api.get(actor_path, headers={"Accept": "application/activity+json"}).json()["publicKey"]
    request = InboundRequest("POST", received.path, {**received.headers}, received.body, "http")
    parsed = parse_signature(request)
    return parsed.key_id == key["id"] and verify_signature(parsed, key["publicKeyPem"])


def test_an_instance_follows_us_and_gets_a_signed_accept(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    answer = peer.post(api, "/inbox", follow_of_our_instance(peer))
    assert answer.status == 204 and answer.body == b""
    drain_federation()

    accepts = [r for r in peer.received if r.path == "/accounts/peertube/inbox"]
    assert len(accepts) == 1, peer.received
    accept = accepts[0].json()
    assert accept["type"] == "Accept" and accept["actor"] == our("/accounts/peertube")
    assert accept["object"] == {
        "type": "Follow",
        "id": f"{peer.url()}/follows/1",
        "actor": peer.url(),
        "object": our("/accounts/peertube"),
    }
    assert verified_by(accepts[0], api, "/accounts/peertube")
    # LD-signed too, so that a server receiving it forwarded can trust it.
    key = api.get("/accounts/peertube", headers={"Accept": "application/activity+json"}).json()["publicKey"]
    assert accept["signature"]["creator"] == key["id"] and verify_document(accept, key["publicKeyPem"])

    followers = api.get("/api/v1/server/followers").json()
    assert followers["total"] == 1
    row = followers["data"][0]
    assert_conforms("Follow", row, known_deviations=FOLLOWER_NULLS)
    assert row["state"] == "accepted" and row["follower"]["host"] == peer.host
    assert row["following"]["name"] == "peertube"
    assert api.get("/api/v1/server/stats").json()["totalInstanceFollowers"] == 1
    collection = api.get("/accounts/peertube/followers?page=1", headers={"Accept": "application/activity+json"})
    assert collection.json()["orderedItems"] == [peer.url()]

    # The same Follow again: not stored twice, answered again.
    assert peer.post(api, "/inbox", follow_of_our_instance(peer)).status == 204
    drain_federation()
    assert api.get("/api/v1/server/followers").json()["total"] == 1
    assert len([r for r in peer.received if r.path == "/accounts/peertube/inbox"]) == 2

    # Undo: the follow goes, and the counters with it.
    undo = {
        "type": "Undo",
        "id": f"{peer.url()}/follows/1/undo",
        "actor": peer.url(),
        "object": follow_of_our_instance(peer),
    }
    assert peer.post(api, "/inbox", undo).status == 204
    drain_federation()
    assert api.get("/api/v1/server/followers").json()["total"] == 0
    assert api.get("/api/v1/server/stats").json()["totalInstanceFollowers"] == 0


def test_bad_requests_are_refused_and_nothing_is_queued(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    follow = follow_of_our_instance(peer)
    cases = {
        "tampered digest": (
            peer.post(api, "/inbox", follow, Digest="SHA-256=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="),
            403,
        ),
        "no signature": (
            api.request(
                "POST",
                "/inbox",
                body=json.dumps(follow).encode(),
                headers={"Content-Type": "application/activity+json"},
            ),
            403,
        ),
        "old date": (peer.post(api, "/inbox", follow, Date="Wed, 21 Oct 2015 07:28:00 GMT"), 403),
    }
    wrong_key = Peer(keys=fixture("peertube/invalid-keys.json"))
    wrong_key._server = peer._server  # same host and actor URL, but the key does not match
    wrong_key.keys = {**fixture("peertube/keys.json"), "privateKey": _other_private_key()}
    cases["wrong key"] = (wrong_key.post(api, "/inbox", follow), 403)
    not_activity = peer.post(api, "/inbox", {"hello": "world"})
    cases["not an activity"] = (not_activity, 400)
    local = dict(follow, actor=our("/accounts/alice"))
    cases["someone else's activity"] = (peer.post(api, "/inbox", local), 403)
    cases["unknown inbox"] = (peer.post(api, "/accounts/nobody/inbox", follow), 404)
    for name, (answer, status) in cases.items():
        assert answer.status == status, (name, answer.body)
        assert answer.content_type.startswith("application/problem+json"), name
    assert cases["wrong key"][0].json()["detail"] == "Invalid signature"
    assert cases["tampered digest"][0].json()["detail"] == "Invalid digest"
    assert drain("inbox") == 0
    assert api.get("/api/v1/server/followers").json()["total"] == 0


def _other_private_key() -> str:
    from chalicelib.domain.actor_keys import generate_key_pair

    return generate_key_pair(1024).private_pem


def test_our_instance_follows_a_peer_and_unfollows(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    refused = api.post_json("/api/v1/server/following", {"hosts": [peer.host]}, people["alice"].token)
    assert refused.status == 403
    assert api.post_json("/api/v1/server/following", {"hosts": ["not a host"]}, root).status == 400
    assert api.post_json("/api/v1/server/following", {}, root).status == 400

    assert api.post_json("/api/v1/server/following", {"hosts": [peer.host]}, root).status == 204
    drain_federation()
    follows = [r for r in peer.received if r.path == "/accounts/peertube/inbox"]
    assert [r.json()["type"] for r in follows] == ["Follow"]
    follow = follows[0].json()
    assert follow["actor"] == our("/accounts/peertube") and follow["object"] == peer.url()
    assert verified_by(follows[0], api, "/accounts/peertube")
    following = api.get("/api/v1/server/following").json()
    assert following["total"] == 1 and following["data"][0]["state"] == "pending"

    accept = {"type": "Accept", "id": f"{peer.base}/accepts/follows/9", "actor": peer.url(), "object": follow}
    assert peer.post(api, "/accounts/peertube/inbox", accept).status == 204
    drain_federation()
    following = api.get("/api/v1/server/following").json()["data"][0]
    assert_conforms("Follow", following, known_deviations=FOLLOWER_NULLS)
    assert following["state"] == "accepted" and following["following"]["host"] == peer.host
    assert api.get("/api/v1/server/stats").json()["totalInstanceFollowing"] == 1

    assert api.delete_as("/api/v1/server/following/elsewhere.example", root).status == 404
    assert api.delete_as(f"/api/v1/server/following/{peer.host}", root).status == 204
    drain_federation()
    undo = [r.json() for r in peer.received if r.path == "/accounts/peertube/inbox"][-1]
    assert undo["type"] == "Undo" and undo["object"]["type"] == "Follow"
    assert api.get("/api/v1/server/following").json()["total"] == 0
    assert api.get("/api/v1/server/stats").json()["totalInstanceFollowing"] == 0


def test_a_user_subscribes_to_a_remote_channel(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    bob = people["bob"]
    handle = f"cats@{peer.host}"
    assert api.post_json("/api/v1/users/me/subscriptions", {"uri": handle}, bob.token).status == 204
    drain_federation()
    follows = [r for r in peer.received if r.path == "/video-channels/cats/inbox"]
    assert [r.json()["type"] for r in follows] == ["Follow"]
    follow = follows[0].json()
    assert follow["actor"] == our("/accounts/bob") and follow["object"] == peer.channel_url()
    assert verified_by(follows[0], api, "/accounts/bob")
    # Not counted until the channel's server accepts.
    assert api.get_as("/api/v1/users/me/subscriptions", bob.token).json()["total"] == 0

    accept = {"type": "Accept", "id": f"{peer.base}/accepts/2", "actor": peer.channel_url(), "object": follow}
    assert peer.post(api, "/accounts/bob/inbox", accept, name="cats").status == 204
    drain_federation()
    listed = api.get_as("/api/v1/users/me/subscriptions", bob.token).json()
    assert listed["total"] == 1 and listed["data"][0]["host"] == peer.host
    exists = api.get_as(f"/api/v1/users/me/subscriptions/exist?uris={handle}", bob.token).json()
    assert exists == {handle: True}

    assert api.delete_as(f"/api/v1/users/me/subscriptions/{handle}", bob.token).status == 204
    drain_federation()
    sent = [r.json() for r in peer.received if r.path == "/video-channels/cats/inbox"]
    assert [a["type"] for a in sent] == ["Follow", "Undo"], [(r.path, r.json()["type"]) for r in peer.received]
    undo = sent[-1]
    assert undo["type"] == "Undo" and undo["object"]["id"] == follow["id"]
    assert api.get_as("/api/v1/users/me/subscriptions", bob.token).json()["total"] == 0


def test_instances_that_follow_us_are_followed_back_when_asked(
    peer: Peer, api: ApiClient, people: dict[str, Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.config import get_settings as settings

    monkeypatch.setenv("CIRRUS_AUTO_FOLLOW_BACK", "true")
    settings.cache_clear()
    assert peer.post(api, "/inbox", follow_of_our_instance(peer)).status == 204
    drain_federation()
    sent = [r.json()["type"] for r in peer.received if r.path == "/accounts/peertube/inbox"]
    assert sent == ["Accept", "Follow"]
    following = api.get("/api/v1/server/following").json()["data"]
    assert [(f["following"]["host"], f["state"]) for f in following] == [(peer.host, "pending")]
