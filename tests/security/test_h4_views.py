"""H4 (same class): a view ping names a video by id; it must not reveal or count a video the
caller may not see (PeerTube counts any id; sequential ids would enumerate private ones)."""

from __future__ import annotations

from tests.api_client import ApiClient
from tests.members import Member
from tests.video_seed import add_video


def test_views_of_hidden_videos_are_refused(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    private = add_video(alice.account_id, alice.channel_id, "private", privacy=3)
    unlisted = add_video(alice.account_id, alice.channel_id, "unlisted", privacy=2)
    ping = {"currentTime": 1}
    assert api.post_json(f"/api/v1/videos/{private.id}/views", ping).status == 401
    assert api.post_json(f"/api/v1/videos/{private.uuid}/views", ping, bob.token).status == 403
    assert api.post_json(f"/api/v1/videos/{unlisted.id}/views", ping).status == 401
    assert api.post_json(f"/api/v1/videos/{unlisted.uuid}/views", ping).status == 204
    assert api.post_json(f"/api/v1/videos/{private.id}/views", ping, alice.token).status == 204
