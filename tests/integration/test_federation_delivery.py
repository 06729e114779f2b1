"""Outbound federation over real HTTP: a published video reaches the instances that follow
us, failed deliveries come back with backoff, and a host that keeps failing is marked
unreachable until it answers again."""

from __future__ import annotations

from urllib.parse import urlsplit

from chalicelib.activitypub.outbound import send_videos
from chalicelib.store import remote_hosts, videos
from tests.api_client import ApiClient
from tests.federation_peer import Peer
from tests.members import Member
from tests.queue_runner import drain, drain_federation
from tests.video_seed import add_video


def publish(member: Member, name: str) -> str:
    video = add_video(member.account_id, member.channel_id, name)
    stored = videos.get_video(int(video.id))
    assert stored is not None
    send_videos.published(stored)
    return str(video.url)


def test_a_published_video_is_announced_to_instance_followers(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    peer.follow_our_instance(api)
    url = publish(people["alice"], "Federated video")
    drain_federation()
    shared = peer.inbox_activities("/inbox")
    assert sorted(a["type"] for a in shared) == ["Announce", "Announce"]  # by the channel and the instance
    assert {a["object"] for a in shared} == {url}
    assert all(a["to"][0] == "https://www.w3.org/ns/activitystreams#Public" for a in shared)
    # The peer then fetches the video itself.
    fetched = api.get(urlsplit(url).path, headers={"Accept": "application/activity+json"})
    assert fetched.status == 200 and fetched.json()["id"] == url


def test_failed_deliveries_are_retried_then_the_host_recovers(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    peer.follow_our_instance(api)
    peer.inbox_statuses = [503, 503]  # both Announces fail once... then succeed
    publish(people["alice"], "Retried video")
    drain_federation()
    delivered = peer.inbox_activities("/inbox")
    assert len(peer.received) == 4 and len(delivered) == 4
    assert sorted(a["type"] for a in delivered[2:]) == ["Announce", "Announce"]
    health = remote_hosts.get_hosts({peer.host})[peer.host]
    assert int(health.failures) == 0 and health.unreachable_since is None and health.last_success_at is not None


def test_a_host_that_keeps_failing_is_unreachable_until_it_answers(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    peer.follow_our_instance(api)
    peer.inbox_statuses = [500] * 100
    publish(people["alice"], "Never delivered")
    drain_federation()
    attempts = len(peer.received)
    assert attempts == 2 * 8  # two Announces, eight attempts each (CIRRUS_DELIVERY_ATTEMPTS)
    health = remote_hosts.get_hosts({peer.host})[peer.host]
    assert health.unreachable_since is not None
    assert drain("deliver") == 0  # the rest is in the dead-letter queue

    # While unreachable, a new activity gets one attempt, which doubles as a probe.
    peer.received.clear()
    peer.inbox_statuses = []
    publish(people["alice"], "Back online")
    drain_federation()
    assert len(peer.received) == 2
    health = remote_hosts.get_hosts({peer.host})[peer.host]
    assert health.unreachable_since is None and int(health.failures) == 0


def test_a_video_published_again_after_its_file_was_replaced_is_updated_not_created(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    from datetime import UTC, datetime

    peer.follow_our_instance(api)
    member = people["alice"]
    video = add_video(member.account_id, member.channel_id, "Replaced", input_file_updated_at=datetime.now(UTC))
    stored = videos.get_video(int(video.id))
    assert stored is not None
    send_videos.published(stored)
    drain_federation()
    received = peer.inbox_activities("/inbox")
    assert [a["type"] for a in received] == ["Update"]  # PeerTube's isNewVideo is false
    assert received[0]["object"]["id"] == video.url


def test_a_video_published_progressively_is_created_once_then_updated_per_rendition(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    from chalicelib.activitypub.delivery.messages import Publication
    from functions.federation.broadcast import announce

    peer.follow_our_instance(api)
    member = people["alice"]
    # Playable from its lowest rendition, the others still encoding (domain/transcoding.py).
    video = add_video(member.account_id, member.channel_id, "Progressive", stage="encoding", state=1)
    announce(Publication(int(video.id)))
    announce(Publication(int(video.id), rendition_added=True))
    announce(Publication(int(video.id), rendition_added=True))
    drain_federation()
    received = peer.inbox_activities("/inbox")
    assert [a["type"] for a in received] == ["Announce", "Announce", "Update", "Update"]
    assert {a["object"]["id"] for a in received[2:]} == {video.url}

    # A video still encoding and not yet playable is not announced.
    peer.received.clear()
    hidden = add_video(member.account_id, member.channel_id, "Not yet", stage="encoding", state=2, published_at=None)
    announce(Publication(int(hidden.id)))
    announce(Publication(int(hidden.id), rendition_added=True))
    drain_federation()
    assert peer.inbox_activities("/inbox") == []
