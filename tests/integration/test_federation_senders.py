"""Federation's subscribers to domain events (activitypub/outbound/send_*.py), driven by
emitting the event itself: what a view of a remote video sends its origin, which the API
only emits after ten seconds of watching."""

from __future__ import annotations

import uuid

from chalicelib.config import get_settings
from chalicelib.domain import events
from chalicelib.store import videos
from tests.api_client import ApiClient
from tests.federation_peer import Peer
from tests.members import Member
from tests.queue_runner import drain_federation


def test_a_counted_view_of_a_remote_video_reaches_its_origin_from_the_instance_actor(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    video_uuid = str(uuid.uuid4())
    document = peer.video(video_uuid, "Watched here")
    peer.publish(api, document)
    peer.received.clear()
    video = videos.find_video_by_uuid(video_uuid)
    assert video is not None and not video.is_local

    events.emit(events.RemoteVideoViewed(video, "view-1"))
    drain_federation()

    (view,) = peer.inbox_activities("/inbox")
    ours = f"{get_settings().instance_url}/accounts/peertube"
    assert view["type"] == "View"
    assert view["actor"] == ours  # no viewer is named
    assert view["object"] == document["id"]
    assert view["id"] == f"{ours}/views/videos/{int(video.id)}/view-1"
    assert view["to"] == [peer.url("carol")] and view["cc"] == []
    assert "@context" in view


def test_a_video_made_private_is_deleted_elsewhere_and_made_public_again_is_created(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    """Through the API: the use case's `before` must be the video as it was (a shallow copy of
    a PynamoDB item changed with it, and neither activity was sent)."""
    from tests.video_seed import add_video

    alice = people["alice"]
    peer.follow_our_instance(api)
    video = add_video(alice.account_id, alice.channel_id, "Going private")
    assert api.put_json(f"/api/v1/videos/{video.uuid}", {"privacy": 3}, alice.token).status == 204
    drain_federation()
    assert [(a["type"], a["object"]) for a in peer.inbox_activities()] == [("Delete", video.url)]
    peer.received.clear()
    assert api.put_json(f"/api/v1/videos/{video.uuid}", {"privacy": 1}, alice.token).status == 204
    drain_federation()
    # The instance's followers hear of a new video through the instance actor's Announce.
    announced = [a for a in peer.inbox_activities() if a["type"] == "Announce"]
    assert announced and {a["object"] for a in announced} == {video.url}
