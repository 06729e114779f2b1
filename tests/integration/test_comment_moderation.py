"""Comment moderation as PeerTube answers it: approving held comments (who may, what it
changes, what it sends and tells), the staff's list of every comment, the owner's list of
comments on their videos, and comments from blocked accounts."""

from __future__ import annotations

from typing import Any

from chalicelib.config import get_settings
from tests.api_client import ApiClient, ApiResponse
from tests.e2e.openapi_paths import assert_answers
from tests.federation_peer import Peer
from tests.integration.test_federation_interactions import note
from tests.members import Member
from tests.openapi import LIST_DEVIATIONS
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


ADMIN_KEYS = [
    "id",
    "url",
    "text",
    "threadId",
    "inReplyToCommentId",
    "videoId",
    "createdAt",
    "updatedAt",
    "heldForReview",
    "automaticTags",
    "video",
    "account",
]


def listed(api: ApiClient, path: str, token: str | None, query: str = "") -> dict[str, Any]:
    response = api.get_as(f"{path}{query}", token)
    assert response.status == 200, response.body
    body: dict[str, Any] = response.json()
    operation = "/api/v1/videos/comments" if path.endswith("/videos/comments") and "/me/" not in path else path
    assert_answers("GET", operation, body, known_deviations=LIST_DEVIATIONS)  # PeerTube's nulls
    for item in body["data"]:
        assert list(item) == ADMIN_KEYS
    return body


def seed(api: ApiClient, peer: Peer, people: dict[str, Member]) -> tuple[Any, Any]:
    """Alice's cats (comments held for review) and Bob's dogs, commented on; and a remote
    comment on Carol's video, over there."""
    alice, bob = people["alice"], people["bob"]
    cats = add_video(alice.account_id, alice.channel_id, "Alice's cats", comments_policy=3)
    dogs = add_video(bob.account_id, bob.channel_id, "Bob's dogs")
    start_thread(api, bob, cats.uuid, "Held on cats")
    start_thread(api, alice, cats.uuid, "Owner on cats")
    start_thread(api, alice, dogs.uuid, "Alice on dogs")
    gone = start_thread(api, alice, dogs.uuid, "Deleted soon")
    assert api.delete_as(f"/api/v1/videos/{dogs.uuid}/comments/{gone['id']}", alice.token).status == 204
    theirs = "4b2d7c3e-1111-4222-8333-444455556666"
    peer.publish(api, peer.video(theirs, "Carol's birds"))
    carols = note(peer, 31, peer.video(theirs)["id"], content="Carol here")
    assert peer.post(api, "/inbox", carols, name="carol").status == 204
    drain_federation()
    return cats, dogs


def staff_texts(api: ApiClient, mod: Member, query: str = "") -> list[str]:
    return [c["text"] for c in listed(api, "/api/v1/videos/comments", mod.token, query)["data"]]


def test_the_staffs_list_and_the_owners_list(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    """GET /api/v1/videos/comments (SEE_ALL_COMMENTS) lists every comment but deleted ones,
    newest first, with PeerTube's filters; GET /api/v1/users/me/videos/comments lists those
    on the caller's own videos, with isHeldForReview. Both in VideoCommentForOwnerOrAdmin."""
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    cats, _ = seed(api, peer, people)

    everything = listed(api, "/api/v1/videos/comments", mod.token)
    assert [c["text"] for c in everything["data"]] == ["Carol here", "Alice on dogs", "Owner on cats", "Held on cats"]
    assert everything["total"] == 4
    first = everything["data"][-1]
    assert first["heldForReview"] is True
    assert first["video"] == {"id": int(cats.id), "uuid": cats.uuid, "name": "Alice's cats"}
    assert first["account"]["name"] == "bob"

    assert staff_texts(api, mod, "?isLocal=false") == ["Carol here"]
    assert staff_texts(api, mod, "?onLocalVideo=false") == ["Carol here"]
    assert staff_texts(api, mod, "?isLocal=true&onLocalVideo=true") == [
        "Alice on dogs",
        "Owner on cats",
        "Held on cats",
    ]
    assert staff_texts(api, mod, "?search=CATS") == ["Owner on cats", "Held on cats"]
    assert staff_texts(api, mod, "?search=carol") == ["Carol here"]  # by the author's name
    assert staff_texts(api, mod, "?searchAccount=ali") == ["Alice on dogs", "Owner on cats"]
    assert staff_texts(api, mod, "?searchVideo=dogs") == ["Alice on dogs"]
    assert staff_texts(api, mod, "?sort=createdAt&start=1&count=2") == ["Owner on cats", "Alice on dogs"]
    assert listed(api, "/api/v1/videos/comments", mod.token, "?count=1")["total"] == 4

    # Who may: the staff only.
    assert api.get("/api/v1/videos/comments").status == 401
    assert api.get_as("/api/v1/videos/comments", alice.token).status == 403
    assert api.get_as("/api/v1/videos/comments?sort=-text", mod.token).status == 400

    # The owner's list: comments on her videos only, held ones included, or only them.
    mine = listed(api, "/api/v1/users/me/videos/comments", alice.token)
    assert [c["text"] for c in mine["data"]] == ["Owner on cats", "Held on cats"]
    held = listed(api, "/api/v1/users/me/videos/comments", alice.token, "?isHeldForReview=true")
    assert [c["text"] for c in held["data"]] == ["Held on cats"]
    assert listed(api, "/api/v1/users/me/videos/comments", bob.token)["data"][0]["text"] == "Alice on dogs"
    assert api.get("/api/v1/users/me/videos/comments").status == 401

    # Approved, it is no longer held in either list.
    approve(api, cats.uuid, first["id"], alice.token)
    assert listed(api, "/api/v1/users/me/videos/comments", alice.token, "?isHeldForReview=true")["data"] == []
    assert [c["heldForReview"] for c in listed(api, "/api/v1/videos/comments", mod.token)["data"]] == [False] * 4


def test_the_lists_by_video_and_channel(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    """`videoId` and `videoChannelId`: any for the staff; on the owner's list, only what she manages."""
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    cats, dogs = seed(api, peer, people)
    assert staff_texts(api, mod, f"?videoId={dogs.uuid}") == ["Alice on dogs"]
    assert staff_texts(api, mod, f"?videoChannelId={alice.channel_id}") == ["Owner on cats", "Held on cats"]
    on_cats = listed(api, "/api/v1/users/me/videos/comments", alice.token, f"?videoId={cats.id}")
    assert [c["text"] for c in on_cats["data"]] == ["Owner on cats", "Held on cats"]
    not_hers = api.get_as(f"/api/v1/users/me/videos/comments?videoId={dogs.uuid}", alice.token)
    assert (not_hers.status, not_hers.json()["detail"]) == (403, "Cannot manage a video of another user.")
    not_her_channel = api.get_as(f"/api/v1/users/me/videos/comments?videoChannelId={bob.channel_id}", alice.token)
    assert not_her_channel.status == 403
    assert api.get_as("/api/v1/videos/comments?videoId=nope", mod.token).status == 400
    assert api.get_as("/api/v1/videos/comments?videoChannelId=x", mod.token).status == 400
    assert api.get_as("/api/v1/videos/comments?videoId=999999", mod.token).status == 404
    assert api.get_as("/api/v1/videos/comments?videoChannelId=999999", mod.token).status == 404


def test_comments_of_blocked_accounts_are_hidden(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    """PeerTube leaves out of a video's threads (and a thread's tree) the comments of accounts
    and servers the viewer has blocked, and those the instance has blocked for everyone."""
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    video = add_video(alice.account_id, alice.channel_id, "Talked over")
    start_thread(api, bob, video.uuid, "Bob speaks")
    aside = start_thread(api, alice, video.uuid, "Alice speaks")
    made = api.post_json(f"/api/v1/videos/{video.uuid}/comments/{aside['id']}", {"text": "Bob replies"}, bob.token)
    assert made.status == 200
    assert peer.post(api, "/inbox", note(peer, 41, video.url, content="Carol speaks"), name="carol").status == 204
    drain_federation()
    everyone = ["Carol speaks", "Alice speaks", "Bob speaks"]
    assert texts(api, video.uuid, alice.token) == everyone

    blocks = "/api/v1/users/me/blocklist"
    assert api.post_json(f"{blocks}/accounts", {"accountName": "bob"}, alice.token).status == 204
    assert api.post_json(f"{blocks}/servers", {"host": peer.host}, alice.token).status == 204
    assert texts(api, video.uuid, alice.token) == ["Alice speaks"]
    tree = api.get_as(f"/api/v1/videos/{video.uuid}/comment-threads/{aside['id']}", alice.token).json()
    assert tree["children"] == []
    assert texts(api, video.uuid, mod.token) == everyone  # her blocks are hers
    assert texts(api, video.uuid) == everyone

    # The instance's block hides them from everyone.
    assert api.post_json("/api/v1/server/blocklist/accounts", {"accountName": "bob"}, mod.token).status == 204
    assert texts(api, video.uuid) == ["Carol speaks", "Alice speaks"]
    assert texts(api, video.uuid, mod.token) == ["Carol speaks", "Alice speaks"]


def test_a_deleted_videos_comments_leave_the_lists(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    video = add_video(alice.account_id, alice.channel_id, "Short-lived")
    start_thread(api, bob, video.uuid, "Soon gone")
    assert staff_texts(api, mod) == ["Soon gone"]
    assert api.delete_as(f"/api/v1/videos/{video.uuid}", alice.token).status == 204
    assert staff_texts(api, mod) == []
    assert listed(api, "/api/v1/users/me/videos/comments", alice.token)["total"] == 0
