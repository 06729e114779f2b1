"""Notifications from other servers' activities, arriving signed at our inboxes from a peer on
loopback: a remote comment on my video, a remote account following my channel, a new video of
a remote channel I subscribe to, a remote report for the moderators."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from chalicelib.config import get_settings
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.federation_peer import Peer
from tests.integration.test_federation_interactions import note
from tests.members import Member
from tests.queue_runner import drain_federation


def mine(api: ApiClient, member: Member) -> list[dict[str, Any]]:
    response = api.get_as("/api/v1/users/me/notifications?count=100", member.token)
    assert response.status == 200, response.body
    return list(response.json()["data"])


def our(path: str) -> str:
    return f"{get_settings().instance_url}{path}"


def test_a_remote_comment_on_my_video_notifies_me_once(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    from tests.video_seed import add_video

    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "Seen from afar")
    assert peer.post(api, "/inbox", note(peer, 1, video.url), name="carol").status == 204
    assert peer.post(api, "/inbox", note(peer, 1, video.url), name="carol").status == 204  # redelivered
    drain_federation()
    (notification,) = mine(api, alice)
    assert notification["type"] == 2
    assert notification["comment"]["account"]["host"] == peer.host
    assert notification["comment"]["account"]["name"] == "carol"
    assert notification["comment"]["video"]["uuid"] == video.uuid
    assert mine(api, people["bob"]) == []


def test_a_remote_account_following_my_channel_notifies_me(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    alice = people["alice"]
    follow = {
        "type": "Follow",
        "id": f"{peer.url('carol')}/follows/alice",
        "actor": peer.url("carol"),
        "object": our(f"/video-channels/{alice.channel_name}"),
    }
    assert peer.post(api, "/inbox", follow, name="carol").status == 204
    assert peer.post(api, "/inbox", follow, name="carol").status == 204  # the same Follow again
    drain_federation()
    (notification,) = mine(api, alice)
    assert notification["type"] == 10
    assert notification["actorFollow"]["follower"]["host"] == peer.host
    assert notification["actorFollow"]["following"]["type"] == "channel"


def test_an_instance_following_us_notifies_the_administrators(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    peer.follow_our_instance(api)
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    listed = api.get_as("/api/v1/users/me/notifications", root).json()["data"]
    assert [n["type"] for n in listed] == [13]
    assert listed[0]["actorFollow"]["following"]["type"] == "instance"
    assert mine(api, people["mod"]) == []  # administrators only


def test_following_an_instance_back_automatically_notifies_the_administrators(
    peer: Peer, api: ApiClient, people: dict[str, Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CIRRUS_AUTO_FOLLOW_BACK", "true")
    get_settings.cache_clear()
    peer.follow_our_instance(api)
    peer.follow_our_instance(api)  # the same Follow again: one follow-back, one notification
    drain_federation()
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    listed = api.get_as("/api/v1/users/me/notifications", root).json()["data"]
    assert sorted(n["type"] for n in listed) == [13, 14]
    auto = next(n for n in listed if n["type"] == 14)
    assert auto["actorFollow"]["following"] == {
        "type": "instance",
        "displayName": auto["actorFollow"]["following"]["displayName"],
        "name": "peertube",
        "host": peer.host,
    }
    assert auto["actorFollow"]["follower"]["host"] == get_settings().instance_host
    assert mine(api, people["mod"]) == []  # administrators only


def test_a_remote_channels_new_video_reaches_its_local_subscribers(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    bob = people["bob"]
    handle = f"cats@{peer.host}"
    assert api.post_json("/api/v1/users/me/subscriptions", {"uri": handle}, bob.token).status == 204
    drain_federation()
    follow = next(r.json() for r in peer.received if r.path == "/video-channels/cats/inbox")
    accept = {"type": "Accept", "id": f"{peer.base}/accepts/9", "actor": peer.channel_url(), "object": follow}
    assert peer.post(api, "/accounts/bob/inbox", accept, name="cats").status == 204
    drain_federation()

    video = peer.video(str(uuid.uuid4()), name="Fresh from the peer")
    peer.publish(api, video)
    peer.publish(api, video)  # the Create delivered again
    (notification,) = mine(api, bob)
    assert notification["type"] == 1
    assert notification["video"]["name"] == "Fresh from the peer"
    assert notification["video"]["channel"]["host"] == peer.host
    assert mine(api, people["alice"]) == []


def test_a_remote_report_notifies_the_moderators(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    from tests.video_seed import add_video

    alice, mod = people["alice"], people["mod"]
    video = add_video(alice.account_id, alice.channel_id, "Reported from afar")
    flag = {
        "type": "Flag",
        "id": f"{peer.url('carol')}/flags/1",
        "actor": peer.url("carol"),
        "object": [video.url],
        "content": "This is spam",
    }
    assert peer.post(api, "/inbox", flag, name="carol").status == 204
    drain_federation()
    (notification,) = mine(api, mod)
    assert notification["type"] == 3 and notification["abuse"]["video"]["uuid"] == video.uuid
    assert mine(api, alice) == []
