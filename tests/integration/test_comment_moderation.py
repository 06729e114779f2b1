"""Comment moderation as PeerTube answers it: approving held comments (who may, what it
changes, what it sends and tells), the staff's list of every comment, the owner's list of
comments on their videos, and comments from blocked accounts."""

from __future__ import annotations

from typing import Any

from chalicelib.config import get_settings
from tests.api_client import ApiClient, ApiResponse
from tests.federation_peer import Peer
from tests.members import Member
from tests.queue_runner import drain, drain_federation
from tests.video_seed import add_video

NEW_COMMENT_ON_MY_VIDEO, COMMENT_MENTION = 2, 11  # PeerTube's UserNotificationType


def start_thread(api: ApiClient, member: Member, video: object, text: str) -> dict[str, Any]:
    made = api.post_json(f"/api/v1/videos/{video}/comment-threads", {"text": text}, member.token)
    assert made.status == 200, made.body
    return dict(made.json()["comment"])


def texts(api: ApiClient, video: object, token: str | None = None) -> list[str]:
    return [c["text"] for c in api.get_as(f"/api/v1/videos/{video}/comment-threads", token).json()["data"]]


def approve(api: ApiClient, video: object, comment_id: object, token: str | None) -> ApiResponse:
    return api.request("POST", f"/api/v1/videos/{video}/comments/{comment_id}/approve", headers=_bearer(token))


def _bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def notified(api: ApiClient, member: Member) -> list[tuple[int, bool]]:
    data = api.get_as("/api/v1/users/me/notifications?count=100", member.token).json()["data"]
    return [(n["type"], n["comment"]["heldForReview"]) for n in data if n.get("comment")]


def test_approving_a_held_comment(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    """PeerTube's approveComment: 204, the comment shown and counted, its Create sent then (not
    before), and the users it names told then; its video's owner was told when it came, with
    `heldForReview` true. Refusals with PeerTube's statuses and messages."""
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    peer.follow_our_instance(api)
    video = add_video(alice.account_id, alice.channel_id, "Reviewed first", comments_policy=3)
    held = start_thread(api, bob, video.uuid, "Hello @moddy")
    assert held["heldForReview"] is True
    drain("work")
    drain_federation()
    assert peer.inbox_activities() == []  # held: not federated
    assert notified(api, alice) == [(NEW_COMMENT_ON_MY_VIDEO, True)]
    assert notified(api, mod) == []  # named, but not until approved

    # Refused: anonymous, a stranger, the author himself, unknown ids, a bad id.
    assert approve(api, video.uuid, held["id"], None).status == 401
    refused = approve(api, video.uuid, held["id"], people["bob"].token)
    assert (refused.status, refused.json()["detail"]) == (403, "Cannot remove video comment of another user")
    assert approve(api, video.uuid, 999999, alice.token).status == 404
    assert approve(api, "00000000-0000-4000-8000-000000000000", held["id"], alice.token).status == 404
    assert approve(api, video.uuid, "x", alice.token).status == 400
    assert texts(api, video.uuid) == []

    assert approve(api, video.uuid, held["id"], alice.token).status == 204
    assert texts(api, video.uuid) == ["Hello @moddy"]
    assert api.get(f"/api/v1/videos/{video.uuid}").json()["comments"] == 1
    again = approve(api, video.uuid, held["id"], alice.token)
    assert (again.status, again.json()["detail"]) == (400, "This comment is not held for review")
    drain("work")
    drain_federation()
    created = [a for a in peer.inbox_activities() if a["type"] == "Create"]
    assert [a["object"]["id"] for a in created] == [held["url"]]
    assert notified(api, alice) == [(NEW_COMMENT_ON_MY_VIDEO, True)]  # not told twice
    assert notified(api, mod) == [(COMMENT_MENTION, False)]

    # A moderator may approve on anyone's video; a deleted comment is a 409.
    second = start_thread(api, bob, video.uuid, "Second")
    assert approve(api, video.uuid, second["id"], mod.token).status == 204
    third = start_thread(api, bob, video.uuid, "Third")
    assert api.delete_as(f"/api/v1/videos/{video.uuid}/comments/{third['id']}", bob.token).status == 204
    gone = approve(api, video.uuid, third["id"], alice.token)
    assert (gone.status, gone.json()["detail"]) == (409, "This comment is deleted")
    assert get_settings().instance_url in held["url"]
