"""Moving house over ActivityPub (Mastodon's `Move`), driven as a remote server drives it:
signed POSTs to our inbox, the new actor's document served by a peer on loopback, and the
follows our users then send over real HTTP."""

from __future__ import annotations

from typing import Any

from chalicelib.activitypub.signatures.ld import sign_document
from chalicelib.config import get_settings
from tests.api_client import ApiClient
from tests.federation_peer import Peer
from tests.integration.test_federation_follows import verified_by
from tests.members import Member
from tests.queue_runner import drain_federation


def our(path: str) -> str:
    return f"{get_settings().instance_url}{path}"


def subscribe(api: ApiClient, peer: Peer, member: Member, name: str, channel: str) -> dict[str, Any]:
    """`member` subscribes to the peer's channel, which accepts; the Follow it was sent."""
    assert (
        api.post_json("/api/v1/users/me/subscriptions", {"uri": f"{channel}@{peer.host}"}, member.token).status == 204
    )
    drain_federation()
    follow = [r.json() for r in peer.received if r.path == f"/video-channels/{channel}/inbox"][-1]
    assert follow["type"] == "Follow" and follow["actor"] == our(f"/accounts/{name}")
    accept = {
        "type": "Accept",
        "id": f"{peer.base}/accepts/{channel}",
        "actor": peer.channel_url(channel),
        "object": follow,
    }
    assert peer.post(api, f"/accounts/{name}/inbox", accept, name="cats").status == 204
    drain_federation()
    return follow


def move(peer: Peer, number: int, *, actor: str, target: str, obj: str | None = None) -> dict[str, Any]:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Move",
        "id": f"{peer.base}/moves/{number}",
        "actor": actor,
        "object": obj or actor,
        "target": target,
    }


def sent_to(peer: Peer, channel: str) -> list[dict[str, Any]]:
    return [r.json() for r in peer.received if r.path == f"/video-channels/{channel}/inbox"]


def subscriptions(api: ApiClient, member: Member) -> list[str]:
    listed = api.get_as("/api/v1/users/me/subscriptions", member.token).json()
    return sorted(f"{c['name']}@{c['host']}" for c in listed["data"])


def test_a_moved_channel_takes_its_local_subscribers_along(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    bob = people["bob"]
    old_follow = subscribe(api, peer, bob, "bob", "cats")
    assert subscriptions(api, bob) == [f"cats@{peer.host}"]
    peer.aliases["kittens"] = [peer.channel_url("cats")]

    activity = move(peer, 1, actor=peer.channel_url("cats"), target=peer.channel_url("kittens"))
    assert peer.post(api, "/inbox", activity, name="cats").status == 204
    drain_federation()

    # bob follows the new channel, and leaves the old one (an Undo of his very Follow).
    follows = sent_to(peer, "kittens")
    assert [a["type"] for a in follows] == ["Follow"]
    assert follows[0]["actor"] == our("/accounts/bob") and follows[0]["object"] == peer.channel_url("kittens")
    undo = sent_to(peer, "cats")[-1]
    assert undo["type"] == "Undo" and undo["object"]["id"] == old_follow["id"]
    assert subscriptions(api, bob) == []  # the new one counts once accepted, as any subscription
    accept = {
        "type": "Accept",
        "id": f"{peer.base}/accepts/k",
        "actor": peer.channel_url("kittens"),
        "object": follows[0],
    }
    assert peer.post(api, "/accounts/bob/inbox", accept, name="kittens", channel=True).status == 204
    drain_federation()
    assert subscriptions(api, bob) == [f"kittens@{peer.host}"]

    # The same Move again (a replay), and another Move with a fresh id: nothing moves twice.
    before = len(peer.received)
    assert peer.post(api, "/inbox", activity, name="cats").status == 204
    assert (
        peer.post(
            api,
            "/inbox",
            move(peer, 2, actor=peer.channel_url("cats"), target=peer.channel_url("kittens")),
            name="cats",
        ).status
        == 204
    )
    drain_federation()
    assert [r.path for r in peer.received[before:]] == []
    assert subscriptions(api, bob) == [f"kittens@{peer.host}"]


def test_moves_that_are_not_believed_move_nobody(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    bob = people["bob"]
    subscribe(api, peer, bob, "bob", "cats")
    before = len(peer.received)

    # The target does not name the old channel in alsoKnownAs (it names another one).
    peer.aliases["kittens"] = [peer.channel_url("dogs")]
    assert (
        peer.post(
            api,
            "/inbox",
            move(peer, 1, actor=peer.channel_url("cats"), target=peer.channel_url("kittens")),
            name="cats",
        ).status
        == 204
    )
    drain_federation()
    # carol (signing as herself) moves the channel she does not speak for.
    peer.aliases["kittens"] = [peer.channel_url("cats")]
    forged = move(peer, 2, actor=peer.url("carol"), obj=peer.channel_url("cats"), target=peer.channel_url("kittens"))
    assert peer.post(api, "/inbox", forged, name="carol").status == 204
    # carol claims to be the channel in `actor`: the inbox refuses what her signature does not
    # vouch for (and without the channel's LD signature it is no forwarded activity either).
    posing = move(peer, 3, actor=peer.channel_url("cats"), target=peer.channel_url("kittens"))
    assert peer.post(api, "/inbox", posing, name="carol").status == 403
    # A target that is no actor at all.
    nowhere = move(peer, 4, actor=peer.channel_url("cats"), target=f"{peer.base}/nothing/here")
    assert peer.post(api, "/inbox", nowhere, name="cats").status == 204
    drain_federation()

    assert [r.path for r in peer.received[before:]] == []
    assert subscriptions(api, bob) == [f"cats@{peer.host}"]


# --- A local account moves away -------------------------------------------------------------


def test_an_account_moves_to_another_server_and_tells_its_followers(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    alice = people["alice"]
    follow = {
        "type": "Follow",
        "id": f"{peer.base}/follows/d",
        "actor": peer.url("dave"),
        "object": our("/accounts/alice"),
    }
    assert peer.post(api, "/inbox", follow, name="dave").status == 204
    drain_federation()
    new_home = f"alice2@{peer.host}"

    # The target does not name alice: refused, nothing changes.
    refused = api.post_json("/api/v1/users/me/move", {"target": new_home}, alice.token)
    assert refused.status == 400, refused.body
    assert "alsoKnownAs" in refused.json()["invalid-params"]["target"]["msg"]
    assert api.get_as("/api/v1/users/me/aliases", alice.token).json() == {"aliases": [], "movedTo": None}

    peer.aliases["alice2"] = [our("/accounts/alice")]
    before = len(peer.received)
    moved = api.post_json("/api/v1/users/me/move", {"target": new_home}, alice.token)
    assert moved.status == 200, moved.body
    assert moved.json() == {"movedTo": peer.url("alice2")}
    drain_federation()

    deliveries = [r for r in peer.received[before:] if r.json().get("type") == "Move"]
    assert len(deliveries) == 1 and deliveries[0].path == "/inbox"  # dave's shared inbox
    sent = deliveries[0].json()
    assert (sent["actor"], sent["object"], sent["target"]) == (
        our("/accounts/alice"),
        our("/accounts/alice"),
        peer.url("alice2"),
    )
    assert verified_by(deliveries[0], api, "/accounts/alice")

    document = api.get("/accounts/alice", headers={"Accept": "application/activity+json"}).json()
    assert document["movedTo"] == peer.url("alice2")
    assert {"movedTo": {"@id": "as:movedTo", "@type": "@id"}} in document["@context"]
    assert api.get("/api/v1/accounts/alice").json()["movedTo"] == peer.url("alice2")
    assert api.get_as("/api/v1/users/me/aliases", alice.token).json()["movedTo"] == peer.url("alice2")


def test_aliases_are_kept_and_published(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    old = peer.url("alice")
    assert api.put_json("/api/v1/users/me/aliases", {"aliases": [old, old]}, alice.token).status == 204
    assert api.get_as("/api/v1/users/me/aliases", alice.token).json() == {"aliases": [old], "movedTo": None}
    document = api.get("/accounts/alice", headers={"Accept": "application/activity+json"}).json()
    assert document["alsoKnownAs"] == [old] and "movedTo" not in document

    for bad in (
        {"aliases": "not a list"},
        {"aliases": ["ftp://example.org/accounts/x"]},
        {"aliases": ["https://user:pw@example.org/a"]},
        {"aliases": [f"https://example.org/{n}" for n in range(11)]},
        {"aliases": [our("/accounts/alice")]},
        {},
    ):
        answer = api.put_json("/api/v1/users/me/aliases", bad, alice.token)
        assert answer.status == 400, (bad, answer.body)
        assert answer.headers["content-type"].startswith("application/problem+json")
    assert api.get_as("/api/v1/users/me/aliases", alice.token).json()["aliases"] == [old]
    assert api.get_as("/api/v1/users/me/aliases", None).status == 401
    assert api.post_json("/api/v1/users/me/move", {"target": 3}, alice.token).status == 400
    assert api.post_json("/api/v1/users/me/move", {"target": "alice@127.0.0.1:1"}, alice.token).status == 400


def test_a_forwarded_move_is_believed_only_as_its_actor_signed_it(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    bob = people["bob"]
    subscribe(api, peer, bob, "bob", "cats")
    peer.aliases["kittens"] = [peer.channel_url("cats")]
    peer.aliases["lions"] = [peer.channel_url("cats")]
    key_id = f"{peer.channel_url('cats')}#main-key"
    signed = sign_document(
        move(peer, 7, actor=peer.channel_url("cats"), target=peer.channel_url("kittens")),
        key_id,
        peer.keys["privateKey"],
    )

    # dave forwards it with another target than the one signed: the LD signature fails.
    tampered = {**signed, "target": peer.channel_url("lions")}
    assert peer.post(api, "/inbox", tampered, name="dave").status == 403
    drain_federation()
    assert sent_to(peer, "lions") == []

    # As signed, forwarded by dave: bob moves to kittens.
    assert peer.post(api, "/inbox", signed, name="dave").status == 204
    drain_federation()
    assert [a["type"] for a in sent_to(peer, "kittens")] == ["Follow"]
    assert sent_to(peer, "cats")[-1]["type"] == "Undo"


def test_a_move_to_a_blocked_server_is_not_followed_nor_fetched(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    bob, mod = people["bob"], people["mod"]
    subscribe(api, peer, bob, "bob", "cats")
    elsewhere = Peer().start()
    try:
        elsewhere.aliases["kittens"] = [peer.channel_url("cats")]
        blocked = api.post_json("/api/v1/server/blocklist/servers", {"host": elsewhere.host}, mod.token)
        assert blocked.status == 204, blocked.body
        activity = move(peer, 1, actor=peer.channel_url("cats"), target=elsewhere.channel_url("kittens"))
        assert peer.post(api, "/inbox", activity, name="cats").status == 204
        drain_federation()
        assert elsewhere.fetches == [] and elsewhere.received == []
        assert sent_to(peer, "cats")[-1]["type"] == "Follow"  # no Undo: bob stays where he was
    finally:
        elsewhere.stop()
