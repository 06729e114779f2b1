"""Subscriptions: following channels, the list, the feed of their videos, unfollowing."""

from __future__ import annotations

from urllib.parse import quote

from chalicelib.config import get_settings
from tests.api_client import ApiClient
from tests.members import Member
from tests.openapi import ACTOR_NULLS, VIDEO_NULLS, assert_conforms
from tests.video_seed import add_video


def handle(name: str) -> str:
    return f"{name}@{get_settings().instance_host}"


def test_subscribe_list_feed_and_unsubscribe(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    add_video(alice.account_id, alice.channel_id, "alice's first", minutes=1)
    add_video(alice.account_id, alice.channel_id, "alice's private", minutes=2, privacy=3)
    add_video(alice.account_id, alice.channel_id, "alice's internal", minutes=3, privacy=4)
    add_video(people["mod"].account_id, people["mod"].channel_id, "not followed", minutes=4)

    subscribed = api.post_json("/api/v1/users/me/subscriptions", {"uri": handle(alice.channel_name)}, bob.token)
    assert subscribed.status == 204 and subscribed.body == b""
    again = api.post_json("/api/v1/users/me/subscriptions", {"uri": handle(alice.channel_name)}, bob.token)
    assert again.status == 204  # idempotent, as PeerTube

    listed = api.get_as("/api/v1/users/me/subscriptions", bob.token)
    assert listed.status == 200 and listed.json()["total"] == 1
    channel = listed.json()["data"][0]
    assert_conforms("VideoChannel", channel, known_deviations=ACTOR_NULLS)
    assert channel["name"] == alice.channel_name and channel["followersCount"] == 1
    assert api.get_as("/api/v1/accounts/bob", bob.token).json()["followingCount"] == 1

    one = api.get_as(f"/api/v1/users/me/subscriptions/{quote(handle(alice.channel_name))}", bob.token)
    assert one.status == 200 and one.json()["id"] == alice.channel_id

    exist = api.get_as(
        f"/api/v1/users/me/subscriptions/exist?uris={handle(alice.channel_name)}&uris={handle('bob_channel')}",
        bob.token,
    )
    assert exist.json() == {handle(alice.channel_name): True, handle("bob_channel"): False}
    assert api.get_as("/api/v1/users/me/subscriptions/exist", bob.token).json() == {}

    feed = api.get_as("/api/v1/users/me/subscriptions/videos", bob.token)
    assert feed.status == 200
    assert [v["name"] for v in feed.json()["data"]] == ["alice's internal", "alice's first"]
    for item in feed.json()["data"]:
        assert_conforms("Video", item, known_deviations=VIDEO_NULLS)

    gone = api.delete_as(f"/api/v1/users/me/subscriptions/{quote(handle(alice.channel_name))}", bob.token)
    assert gone.status == 204
    assert api.get_as("/api/v1/users/me/subscriptions", bob.token).json() == {"total": 0, "data": []}
    assert api.get_as("/api/v1/users/me/subscriptions/videos", bob.token).json()["total"] == 0
    assert api.get(f"/api/v1/video-channels/{alice.channel_name}").json()["followersCount"] == 0


def test_unknown_and_remote_subscriptions(api: ApiClient, people: dict[str, Member]) -> None:
    bob = people["bob"]
    # PeerTube answers 204 and follows later, or never: nothing is listed for these.
    for uri in (handle("no_such_channel"), handle("alice"), "somechannel@far.example"):
        assert api.post_json("/api/v1/users/me/subscriptions", {"uri": uri}, bob.token).status == 204
    assert api.get_as("/api/v1/users/me/subscriptions", bob.token).json()["total"] == 0
    missing = api.get_as(f"/api/v1/users/me/subscriptions/{quote(handle('no_such_channel'))}", bob.token)
    assert (missing.status, missing.json()["detail"]) == (404, f"Subscription {handle('no_such_channel')} not found.")
    assert api.delete_as(f"/api/v1/users/me/subscriptions/{quote(handle('alice_channel'))}", bob.token).status == 404


def test_bad_subscription_input(api: ApiClient, people: dict[str, Member]) -> None:
    bob = people["bob"]
    for uri in ("alice_channel", "alice_channel@", "a@b@c", "", None, 12):
        response = api.post_json("/api/v1/users/me/subscriptions", {"uri": uri}, bob.token)
        assert response.status == 400, uri
        assert response.json()["invalid-params"]["uri"]["msg"] == "Should have a valid URI to follow (username@domain)"
    assert api.post_json("/api/v1/users/me/subscriptions", {"uri": handle("alice_channel")}, None).status == 401
    assert api.get_as("/api/v1/users/me/subscriptions/exist?uris=toto", bob.token).status == 400
    assert api.get_as("/api/v1/users/me/subscriptions/no-host", bob.token).json()["invalid-params"]["uri"]
    assert api.get_as("/api/v1/users/me/subscriptions?sort=name", bob.token).status == 400
    assert api.get_as("/api/v1/users/me/subscriptions?count=101", bob.token).status == 400
    assert api.get_as("/api/v1/users/me/subscriptions/videos?sort=bogus", bob.token).status == 400
    assert api.get("/api/v1/users/me/subscriptions/videos").status == 401
    assert api.get_as("/api/v1/users/me/subscriptions", bob.token).json()["total"] == 0
