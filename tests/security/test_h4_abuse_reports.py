"""H4: a report names only what its reporter may see; /users/me/abuses shows the reported
video's name, UUID and thumbnail and the comment's full text back to the reporter."""

from __future__ import annotations

from typing import Any

from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.members import Member
from tests.video_seed import add_video

REPORT = "/api/v1/abuses"


def _report(api: ApiClient, token: str, **target: Any) -> Any:
    return api.post_json(REPORT, {"reason": "This breaks the rules", **target}, token)


def _mine(api: ApiClient, token: str) -> dict[str, Any]:
    return dict(api.get_as("/api/v1/users/me/abuses", token).json())


def test_a_private_video_cannot_be_reported_by_others(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    for privacy in (3, 5):
        video = add_video(alice.account_id, alice.channel_id, f"secret {privacy}", privacy=privacy)
        for reference in (video.id, video.uuid):
            answer = _report(api, bob.token, video={"id": reference})
            assert answer.status == 403, answer.body
    unlisted = add_video(alice.account_id, alice.channel_id, "unlisted", privacy=2)
    assert _report(api, bob.token, video={"id": unlisted.id}).status == 403
    assert _mine(api, bob.token) == {"total": 0, "data": []}
    # By its UUID, an unlisted video is reported as usual.
    assert _report(api, bob.token, video={"id": unlisted.uuid}).status == 200


def test_a_comment_on_a_private_video_cannot_be_reported_by_others(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    video = add_video(alice.account_id, alice.channel_id, "private", privacy=3)
    posted = api.post_json(f"/api/v1/videos/{video.id}/comment-threads", {"text": "private words"}, alice.token)
    assert posted.status == 200, posted.body
    comment_id = posted.json()["comment"]["id"]

    answer = _report(api, bob.token, comment={"id": comment_id})
    assert answer.status == 404, answer.body
    assert _mine(api, bob.token)["total"] == 0
    assert "private words" not in api.get_as("/api/v1/users/me/abuses", bob.token).body.decode()


def test_a_comment_held_for_review_cannot_be_reported_by_others(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    # Comments need approval on this video: the moderator's comment on it is held.
    video = add_video(alice.account_id, alice.channel_id, "moderated", comments_policy=3)
    held = api.post_json(f"/api/v1/videos/{video.uuid}/comment-threads", {"text": "held words"}, bob.token)
    assert held.status == 200, held.body
    assert held.json()["comment"]["heldForReview"] is True
    comment_id = held.json()["comment"]["id"]

    # A moderator sees held comments and may report them; another user may not.
    assert _report(api, people["mod"].token, comment={"id": comment_id}).status == 200
    other = api.post_json(
        "/api/v1/users",
        {"username": "dave", "password": "dave password", "email": "d@example.org", "role": 2},
        api.login("root", ROOT_PASSWORD)["access_token"],
    )
    assert other.status == 200
    dave = api.login("dave", "dave password")["access_token"]
    assert _report(api, dave, comment={"id": comment_id}).status == 404
    assert "held words" not in api.get_as("/api/v1/users/me/abuses", dave).body.decode()
