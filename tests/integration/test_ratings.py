"""Likes and dislikes: one rating per account and video, counters that never drift."""

from __future__ import annotations

from tests.api_client import ApiClient
from tests.members import Member
from tests.openapi import VIDEO_NULLS, assert_conforms
from tests.video_seed import add_video


def rate(api: ApiClient, token: str | None, video: str, rating: object) -> int:
    return api.put_json(f"/api/v1/videos/{video}/rate", {"rating": rating}, token).status


def counts(api: ApiClient, video: str) -> tuple[int, int]:
    body = api.get(f"/api/v1/videos/{video}").json()
    return body["likes"], body["dislikes"]


def test_rating_moves_counters_once(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    video = add_video(alice.account_id, alice.channel_id, "rated").uuid

    mine = api.get_as(f"/api/v1/users/me/videos/{video}/rating", bob.token)
    assert mine.status == 200
    assert mine.json() == {"videoId": api.get(f"/api/v1/videos/{video}").json()["id"], "rating": "none"}

    assert rate(api, bob.token, video, "like") == 204
    assert rate(api, bob.token, video, "like") == 204  # again: nothing changes
    assert rate(api, alice.token, video, "like") == 204
    assert counts(api, video) == (2, 0)
    assert api.get_as(f"/api/v1/users/me/videos/{video}/rating", bob.token).json()["rating"] == "like"

    assert rate(api, bob.token, video, "dislike") == 204
    assert counts(api, video) == (1, 1)
    assert rate(api, bob.token, video, "none") == 204
    assert rate(api, bob.token, video, "none") == 204
    assert counts(api, video) == (1, 0)
    listed = api.get("/api/v1/videos?sort=-likes").json()["data"][0]
    assert listed["likes"] == 1

    ratings = api.get_as("/api/v1/accounts/alice/ratings", alice.token)
    assert ratings.status == 200
    assert ratings.json()["total"] == 1
    assert ratings.json()["data"][0]["rating"] == "like"
    assert_conforms("Video", ratings.json()["data"][0]["video"], known_deviations=VIDEO_NULLS)
    assert api.get_as("/api/v1/accounts/alice/ratings?rating=dislike", alice.token).json()["total"] == 0
    assert api.get_as("/api/v1/accounts/alice/ratings", people["mod"].token).status == 200


def test_bad_ratings(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    public = add_video(alice.account_id, alice.channel_id, "public").uuid
    private = add_video(alice.account_id, alice.channel_id, "private", privacy=3).uuid
    for value in ("love", "LIKE", None, 1, ["like"]):
        response = api.put_json(f"/api/v1/videos/{public}/rate", {"rating": value}, bob.token)
        assert response.status == 400
        assert response.json()["invalid-params"]["rating"]["msg"] == "Invalid value"
    assert rate(api, None, public, "like") == 401
    unknown = api.put_json("/api/v1/videos/424242/rate", {"rating": "like"}, bob.token)
    assert (unknown.status, unknown.json()["detail"]) == (404, "Video not found")
    assert rate(api, bob.token, "not-an-id", "like") == 400
    hidden = api.put_json(f"/api/v1/videos/{private}/rate", {"rating": "like"}, bob.token)
    assert hidden.status == 403
    assert rate(api, alice.token, private, "like") == 204  # the owner may
    assert counts(api, public) == (0, 0)
    assert api.get_as("/api/v1/users/me/videos/nope/rating", bob.token).json()["invalid-params"]["videoId"]
    assert api.get("/api/v1/users/me/videos/1/rating").status == 401
    others = api.get_as("/api/v1/accounts/alice/ratings", bob.token)
    assert others.status == 403
    assert api.get_as("/api/v1/accounts/alice/ratings?rating=meh", alice.token).status == 400
