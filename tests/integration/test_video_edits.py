"""Editing a video: who may, what changes, and what bad input gets."""

from __future__ import annotations

import pytest

from tests.api_client import ApiClient
from tests.members import Member
from tests.openapi import VIDEO_NULLS, assert_conforms
from tests.video_seed import add_video


def test_owner_edits_metadata_and_lists_follow(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "first name", privacy=3, tags={"old"})
    assert api.get("/api/v1/videos").json()["total"] == 0
    before = api.get_as(f"/api/v1/videos/{video.uuid}", alice.token).json()

    changed = api.put_json(
        f"/api/v1/videos/{video.uuid}",
        {
            "name": "  second name  ",
            "privacy": 1,
            "category": 10,
            "licence": 2,
            "language": "fr",
            "description": "A **longer** description",
            "tags": ["Alpha", "beta", "beta"],
            "nsfw": False,
            "commentsPolicy": 2,
            "downloadEnabled": False,
            "originallyPublishedAt": "2001-02-03T04:05:06.000Z",
        },
        alice.token,
    )
    assert changed.status == 204, changed.body
    assert changed.content_type.startswith("application/json")

    details = api.get(f"/api/v1/videos/{video.uuid}").json()
    assert_conforms("VideoDetails", details, known_deviations=VIDEO_NULLS)
    assert details["name"] == "second name"
    assert (details["privacy"]["id"], details["category"]["id"], details["licence"]["id"]) == (1, 10, 2)
    assert details["language"] == {"id": "fr", "label": "French"}
    assert details["tags"] == ["Alpha", "beta"]
    assert details["commentsPolicy"]["id"] == 2 and details["downloadEnabled"] is False
    assert details["originallyPublishedAt"] == "2001-02-03T04:05:06.000Z"
    assert details["publishedAt"] > before["publishedAt"]  # leaving private publishes anew
    assert api.get("/api/v1/videos").json()["data"][0]["name"] == "second name"
    assert api.get("/api/v1/server/stats").json()["totalLocalVideos"] == 1

    # Null clears; absent keys stay.
    cleared = api.put_json(f"/api/v1/videos/{video.id}", {"category": None, "tags": None}, alice.token)
    assert cleared.status == 204
    after = api.get(f"/api/v1/videos/{video.uuid}").json()
    assert after["category"]["id"] is None and after["tags"] == [] and after["licence"]["id"] == 2

    description = api.get(f"/api/v1/videos/{video.uuid}/description")
    assert description.json() == {"description": "A **longer** description"}

    # Back to private: out of lists and counters.
    assert api.put_json(f"/api/v1/videos/{video.uuid}", {"privacy": 3}, alice.token).status == 204
    assert api.get("/api/v1/videos").json()["total"] == 0
    assert api.get("/api/v1/server/stats").json()["totalLocalVideos"] == 0
    assert api.get(f"/api/v1/videos/{video.uuid}/description").status == 401


def test_only_the_owner_or_a_moderator_edits(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    video = add_video(alice.account_id, alice.channel_id, "alice's")
    refused = api.put_json(f"/api/v1/videos/{video.uuid}", {"name": "bob's now"}, bob.token)
    assert (refused.status, refused.json()["detail"]) == (403, "Cannot manage a video of another user.")
    assert api.put_json(f"/api/v1/videos/{video.uuid}", {"name": "moderated"}, None).status == 401
    assert api.put_json(f"/api/v1/videos/{video.uuid}", {"name": "moderated"}, mod.token).status == 204
    moved = api.put_json(f"/api/v1/videos/{video.uuid}", {"channelId": bob.channel_id}, alice.token)
    assert (moved.status, moved.json()["detail"]) == (403, "This user cannot manage this channel")
    assert api.get(f"/api/v1/videos/{video.uuid}").json()["name"] == "moderated"


def test_bad_edits_change_nothing(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "steady", category=1)
    before = api.get(f"/api/v1/videos/{video.uuid}").json()
    tags_message = "Should have an array of up to 5 tags between 2 and 30 characters each"
    bad_bodies = [
        ({"name": "ab"}, "name", "Should have a video name between 3 and 120 characters long"),
        ({"licence": 125}, "licence", "Invalid value"),
        ({"category": "music"}, "category", "Invalid value"),
        ({"privacy": 9}, "privacy", "Invalid value"),
        ({"privacy": None}, "privacy", "Invalid value"),
        ({"language": "a-very-long-code"}, "language", "Invalid value"),
        ({"description": "x"}, "description", "Should have a valid description"),
        ({"tags": ["a"]}, "tags", tags_message),
        ({"tags": ["t1", "t2", "t3", "t4", "t5", "t6"]}, "tags", tags_message),
        ({"nsfw": "perhaps"}, "nsfw", "Should have a valid nsfw boolean"),
        ({"commentsPolicy": 4}, "commentsPolicy", "Invalid value"),
        ({"originallyPublishedAt": "yesterday"}, "originallyPublishedAt", "Invalid value"),
        ({"channelId": "abc"}, "channelId", "Invalid value"),
    ]  # fmt: skip
    for body, field, message in bad_bodies:
        response = api.put_json(f"/api/v1/videos/{video.uuid}", body, alice.token)
        assert response.status == 400, (body, response.body)
        assert response.json()["invalid-params"][field]["msg"] == message
    # Validation comes before the lookup, as in PeerTube.
    assert api.put_json("/api/v1/videos/999999", {"licence": 125}, alice.token).status == 400
    unknown = api.put_json("/api/v1/videos/999999", {"name": "fine name"}, alice.token)
    assert (unknown.status, unknown.json()["detail"]) == (404, "Video not found")
    not_json = api.request(
        "PUT",
        f"/api/v1/videos/{video.uuid}",
        body=b"{nope",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {alice.token}"},
    )
    assert not_json.status == 400
    assert api.get(f"/api/v1/videos/{video.uuid}").json() == before
    assert api.get("/api/v1/videos/not-an-id/description").status == 400
    assert api.get("/api/v1/videos/999999/description").status == 404


def test_deleting_a_video_removes_its_comments(api: ApiClient, people: dict[str, Member]) -> None:
    from chalicelib.store import keys
    from chalicelib.store.models import Claim, TableItem

    alice, bob = people["alice"], people["bob"]
    video = add_video(alice.account_id, alice.channel_id, "discussed")
    posted = api.post_json(f"/api/v1/videos/{video.uuid}/comment-threads", {"text": "First!"}, bob.token)
    assert posted.status == 200, posted.body
    comment_id = posted.json()["comment"]["id"]
    reply = api.post_json(f"/api/v1/videos/{video.uuid}/comments/{comment_id}", {"text": "Second"}, alice.token)
    assert reply.status == 200
    assert api.delete_as(f"/api/v1/videos/{video.uuid}", alice.token).status == 204
    assert list(TableItem.query(keys.video_pk(int(video.id)))) == []
    assert Claim.count(keys.claim_pk(keys.COMMENT_ID, str(comment_id))) == 0


@pytest.fixture
def no_deletion_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deleted actors go as soon as their videos have (list it before `api`)."""
    monkeypatch.setenv("CIRRUS_DELETION_GRACE_SECONDS", "0")


def test_deleting_a_channel_or_a_user_deletes_their_videos(
    no_deletion_grace: None, api: ApiClient, people: dict[str, Member]
) -> None:
    from chalicelib.store import videos
    from tests.queue_runner import drain

    alice, bob = people["alice"], people["bob"]
    second = api.post_json("/api/v1/video-channels", {"name": "alice_second", "displayName": "Second"}, alice.token)
    second_id = second.json()["videoChannel"]["id"]
    in_second = add_video(alice.account_id, second_id, "in the second channel")
    in_first = add_video(alice.account_id, alice.channel_id, "in the first channel")
    kept = add_video(bob.account_id, bob.channel_id, "bob's")
    assert api.get("/api/v1/videos").json()["total"] == 3
    playlist = api.post_json(
        "/api/v1/video-playlists", {"displayName": "Best of", "privacy": 1, "videoChannelId": second_id}, alice.token
    ).json()["videoPlaylist"]
    assert api.get("/api/v1/video-playlists").json()["total"] == 1

    assert api.delete_as("/api/v1/video-channels/alice_second", alice.token).status == 204
    # Gone from lists at once; removed by the work queue (tests/security/test_m12_long_deletions.py).
    assert sorted(v["name"] for v in api.get("/api/v1/videos").json()["data"]) == ["bob's", "in the first channel"]
    assert api.get("/api/v1/video-playlists").status == 200
    drain("work")
    assert videos.get_video(int(in_second.id)) is None
    # PeerTube keeps the channel's playlists, private and without a channel.
    assert api.get("/api/v1/video-playlists").json()["total"] == 0
    kept_playlist = api.get_as(f"/api/v1/video-playlists/{playlist['uuid']}", alice.token).json()
    assert (kept_playlist["privacy"]["id"], kept_playlist["videoChannel"]) == (3, None)
    assert sorted(v["name"] for v in api.get("/api/v1/videos").json()["data"]) == ["bob's", "in the first channel"]

    assert api.delete_as("/api/v1/users/me", alice.token).status == 204
    assert [v["name"] for v in api.get("/api/v1/videos").json()["data"]] == ["bob's"]
    drain("work")
    assert videos.get_video(int(in_first.id)) is None
    assert videos.get_video(int(kept.id)) is not None
    assert api.get_as(f"/api/v1/video-playlists/{playlist['uuid']}", bob.token).status == 404
    assert [v["name"] for v in api.get("/api/v1/videos").json()["data"]] == ["bob's"]
