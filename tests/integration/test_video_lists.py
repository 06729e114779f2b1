"""The video lists as PeerTube clients read them: who sees what, sorts, filters, paging."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.members import Member
from tests.openapi import VIDEO_NULLS, assert_conforms
from tests.video_seed import add_video


def names(response: Any) -> list[str]:
    assert response.status == 200, response.body
    return [video["name"] for video in response.json()["data"]]


def conforms_list(body: dict[str, Any]) -> None:
    assert_conforms("VideoListResponse", {"total": body.get("total", 0), "data": []})
    for item in body["data"]:
        assert_conforms("Video", item, known_deviations=VIDEO_NULLS)


def test_lists_show_what_each_viewer_may_see(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    a, c = alice.account_id, alice.channel_id
    add_video(a, c, "public one", minutes=1)
    add_video(a, c, "unlisted", minutes=2, privacy=2)
    add_video(a, c, "private", minutes=3, privacy=3)
    add_video(a, c, "internal", minutes=4, privacy=4)
    add_video(a, c, "still transcoding", minutes=5, state=2, stage="encoding", wait_transcoding=True)
    add_video(a, c, "playable while transcoding", minutes=6, state=2, stage="encoding", wait_transcoding=False)
    add_video(a, c, "failed", minutes=7, state=7, stage="failed")
    add_video(a, c, "sensitive", minutes=8, nsfw=True)

    anonymous = api.get("/api/v1/videos")
    assert names(anonymous) == ["playable while transcoding", "public one"]
    assert anonymous.json()["total"] == 2
    conforms_list(anonymous.json())
    assert "state" not in anonymous.json()["data"][0]

    assert names(api.get_as("/api/v1/videos", bob.token)) == ["playable while transcoding", "internal", "public one"]
    assert names(api.get("/api/v1/videos?nsfw=both")) == ["sensitive", "playable while transcoding", "public one"]
    assert names(api.get("/api/v1/videos?nsfw=true")) == ["sensitive"]

    # The owner's own list holds everything, with its state.
    mine = api.get_as("/api/v1/users/me/videos", alice.token)
    assert mine.json()["total"] == 8
    conforms_list(mine.json())
    states = {video["name"]: video["state"]["id"] for video in mine.json()["data"]}
    assert states["still transcoding"] == 2 and states["failed"] == 7
    assert mine.json()["data"][0]["blacklisted"] is False
    assert names(api.get_as("/api/v1/users/me/videos?privacyOneOf=3", alice.token)) == ["private"]
    assert api.get_as("/api/v1/users/me/videos", bob.token).json()["total"] == 0

    # Account and channel lists follow the same rules as the instance list.
    assert names(api.get("/api/v1/accounts/alice/videos")) == ["playable while transcoding", "public one"]
    channel = api.get(f"/api/v1/video-channels/{alice.channel_name}/videos")
    assert names(channel) == ["playable while transcoding", "public one"]
    conforms_list(channel.json())
    assert api.get("/api/v1/accounts/bob/videos").json() == {"total": 0, "data": []}


def test_moderators_may_ask_for_every_privacy_and_state(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    add_video(alice.account_id, alice.channel_id, "private", privacy=3)
    add_video(alice.account_id, alice.channel_id, "transcoding", state=2, stage="encoding")
    query = "/api/v1/videos?privacyOneOf=3&privacyOneOf=1&include=1"
    moderated = api.get_as(query, people["mod"].token)
    assert sorted(names(moderated)) == ["private", "transcoding"]
    assert moderated.json()["data"][0]["state"]["id"] in (1, 2)
    for caller in (None, people["bob"].token, alice.token):
        refused = api.get_as(query, caller)
        assert refused.status == 401
        assert refused.json()["detail"] == (
            "You are not allowed to see all videos, specify a custom include or auto tags filter"
        )
    assert api.get_as("/api/v1/users/me/videos?include=0", alice.token).status == 401


def test_sorts_break_ties_by_id(api: ApiClient, people: dict[str, Member]) -> None:
    a, c = people["alice"].account_id, people["alice"].channel_id
    add_video(a, c, "Banana", minutes=1, views=10, likes=1, duration=30, trending=5)
    add_video(a, c, "apple", minutes=2, views=30, likes=5, duration=10, trending=1)
    add_video(a, c, "cherry", minutes=3, views=10, likes=3, duration=20, trending=9)
    add_video(a, c, "date", minutes=0, views=0, likes=0, duration=20, trending=0)
    assert names(api.get("/api/v1/videos")) == ["cherry", "apple", "Banana", "date"]
    assert names(api.get("/api/v1/videos?sort=publishedAt")) == ["date", "Banana", "apple", "cherry"]
    assert names(api.get("/api/v1/videos?sort=-views")) == ["apple", "Banana", "cherry", "date"]
    assert names(api.get("/api/v1/videos?sort=-likes")) == ["apple", "cherry", "Banana", "date"]
    assert names(api.get("/api/v1/videos?sort=-trending")) == ["cherry", "Banana", "apple", "date"]
    assert names(api.get("/api/v1/videos?sort=duration")) == ["apple", "cherry", "date", "Banana"]
    assert names(api.get("/api/v1/videos?sort=-hot"))[0] == "apple"  # most liked and viewed, and recent
    assert names(api.get("/api/v1/videos?sort=name")) == ["apple", "Banana", "cherry", "date"]


def test_filters_and_paging(api: ApiClient, people: dict[str, Member]) -> None:
    a, c = people["alice"].account_id, people["alice"].channel_id
    add_video(a, c, "Cooking pasta", minutes=1, category=13, licence=1, language="en", tags={"Food", "pasta"})
    add_video(a, c, "Gaming night", minutes=2, category=7, licence=2, language="fr", tags={"games"})
    add_video(a, c, "Crème brûlée", minutes=3, category=13, tags={"food", "dessert"})
    for n in range(20):
        add_video(a, c, f"filler {n:02d}", minutes=10 + n)

    def listed(query: str) -> list[str]:
        return names(api.get(f"/api/v1/videos?{query}"))

    assert listed("categoryOneOf=13") == ["Crème brûlée", "Cooking pasta"]
    assert listed("categoryOneOf=7&categoryOneOf=13&count=2") == ["Crème brûlée", "Gaming night"]
    assert listed("licenceOneOf[]=2") == ["Gaming night"]
    assert listed("languageOneOf=fr&languageOneOf=en") == ["Gaming night", "Cooking pasta"]
    assert len(listed("languageOneOf=_unknown&count=100")) == 21
    assert listed("tagsOneOf=FOOD") == ["Crème brûlée", "Cooking pasta"]
    assert listed("tagsAllOf=food&tagsAllOf=pasta") == ["Cooking pasta"]
    assert listed("search=creme") == ["Crème brûlée"]
    assert listed("search=games") == ["Gaming night"]
    assert listed("isLocal=false") == []
    assert listed("isLocal=true&count=1") == ["filler 19"]

    first = api.get("/api/v1/videos?count=5")
    assert first.json()["total"] == 23 and len(first.json()["data"]) == 5
    second = api.get("/api/v1/videos?start=5&count=5")
    assert names(second) == [f"filler {n:02d}" for n in (14, 13, 12, 11, 10)]
    assert api.get("/api/v1/videos?count=0").json() == {"total": 23, "data": []}
    assert "total" not in api.get("/api/v1/videos?skipCount=true").json()
    assert len(listed("")) == 15  # PeerTube's default count


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("count=101", "count", "Should have a number count (max: 100)"),
        ("count=-1", "count", "Should have a number count (max: 100)"),
        ("count=", "count", "Should have a number count (max: 100)"),
        ("start=abc", "start", "Invalid value"),
        ("sort=bogus", "sort", "Invalid value"),
        ("sort=", "sort", "Invalid value"),
        ("sort=%2Bname", "sort", "Invalid value"),
        ("categoryOneOf=music", "categoryOneOf", "Should have a valid categoryOneOf array"),
        ("licenceOneOf=1.5", "licenceOneOf", "Should have a valid licenceOneOf array"),
        ("nsfw=maybe", "nsfw", "Invalid value"),
        ("isLocal=null", "isLocal", "Should have a valid isLocal boolean"),
        ("include=all", "include", "Invalid value"),
    ],
)
def test_bad_list_parameters(api: ApiClient, query: str, field: str, message: str) -> None:
    for path in ("/api/v1/videos", "/api/v1/accounts/root/videos", "/api/v1/video-channels/root_channel/videos"):
        response = api.get(f"{path}?{query}")
        assert response.status == 400, (path, query, response.body)
        body = response.json()
        assert body["invalid-params"][field]["msg"] == message
        assert body["detail"] == f"Incorrect request parameters: {field}"


def test_unknown_owners_and_removed_parameters(api: ApiClient) -> None:
    account = api.get("/api/v1/accounts/nobody/videos")
    assert (account.status, account.json()["detail"]) == (404, "Account not found")
    channel = api.get("/api/v1/video-channels/nothing/videos")
    assert (channel.status, channel.json()["detail"]) == (404, "Video channel not found")
    assert api.get("/api/v1/users/me/videos").status == 401
    assert api.get_as("/api/v1/videos", "not-a-token").status == 401
    gone = api.get("/api/v1/videos?filter=local")
    assert gone.status == 400 and "is not supported anymore" in gone.json()["detail"]
    watched = api.get("/api/v1/videos?excludeAlreadyWatched=true")
    assert watched.status == 400


def test_lists_follow_changes_and_deletions(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "soon gone")
    assert names(api.get("/api/v1/videos")) == ["soon gone"]
    assert api.delete_as(f"/api/v1/videos/{video.uuid}", alice.token).status == 204
    assert names(api.get("/api/v1/videos")) == []
    later = add_video(alice.account_id, alice.channel_id, "later")
    assert names(api.get("/api/v1/videos")) == ["later"]
    assert api.get("/api/v1/videos").json()["data"][0]["id"] == later.id
