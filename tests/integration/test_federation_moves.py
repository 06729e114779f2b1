"""Moving house over ActivityPub (Mastodon's `Move`), driven as a remote server drives it:
signed POSTs to our inbox, the new actor's document served by a peer on loopback, and the
follows our users then send over real HTTP."""

from __future__ import annotations

from typing import Any

from chalicelib.config import get_settings
from tests.api_client import ApiClient
from tests.federation_peer import Peer
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
