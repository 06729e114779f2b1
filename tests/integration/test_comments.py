"""Video comments as PeerTube answers them: threads, replies, trees, soft deletion,
privacy, comments held for review, counters, and every refusal with its message."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from tests.api_client import ApiClient, ApiResponse
from tests.members import Member
from tests.openapi import LIST_DEVIATIONS, POST_DEVIATIONS, TREE_DEVIATIONS, assert_conforms
from tests.video_seed import add_video

KEYS = [
    "id",
    "url",
    "text",
    "threadId",
    "inReplyToCommentId",
    "videoId",
    "createdAt",
    "updatedAt",
    "deletedAt",
    "heldForReview",
    "isDeleted",
    "totalRepliesFromVideoAuthor",
    "totalReplies",
    "account",
]


def start_thread(api: ApiClient, token: str | None, video: object, text: object) -> ApiResponse:
    return api.post_json(f"/api/v1/videos/{video}/comment-threads", {"text": text}, token)


def reply(api: ApiClient, token: str | None, video: object, comment_id: object, text: object) -> ApiResponse:
    return api.post_json(f"/api/v1/videos/{video}/comments/{comment_id}", {"text": text}, token)


def posted(response: ApiResponse) -> dict[str, Any]:
    assert response.status == 200, response.body
    assert_conforms("CommentThreadPostResponse", response.json(), known_deviations=POST_DEVIATIONS)
    comment: dict[str, Any] = response.json()["comment"]
    assert list(comment) == KEYS
    return comment


def threads(api: ApiClient, video: object, token: str | None = None, query: str = "") -> dict[str, Any]:
    response = api.get_as(f"/api/v1/videos/{video}/comment-threads{query}", token)
    assert response.status == 200, response.body
    body: dict[str, Any] = response.json()
    assert list(body) == ["total", "data", "totalNotDeletedComments"]
    assert_conforms("CommentThreadResponse", body, known_deviations=LIST_DEVIATIONS)
    return body


def tree(api: ApiClient, video: object, thread_id: object, token: str | None = None) -> dict[str, Any]:
    response = api.get_as(f"/api/v1/videos/{video}/comment-threads/{thread_id}", token)
    assert response.status == 200, response.body
    body: dict[str, Any] = response.json()
    assert_conforms("VideoCommentThreadTree", body, known_deviations=TREE_DEVIATIONS)
    return body


def shape(node: dict[str, Any]) -> list[Any]:
    """A tree as [text, [children...]], to compare structures at a glance."""
    return [node["comment"]["text"], [shape(child) for child in node["children"]]]


def video_comments(api: ApiClient, video: object, token: str | None = None) -> int:
    return int(api.get_as(f"/api/v1/videos/{video}", token).json()["comments"])


def stored() -> list[str]:
    """Every item but rate-limit windows: what a refused request must leave as it was."""
    from chalicelib.store.models import TableItem, Throttle

    return sorted(
        json.dumps(item.to_simple_dict(), sort_keys=True, default=str)
        for item in TableItem.scan()
        if not isinstance(item, Throttle)
    )


def test_threads_replies_and_tree(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    video = add_video(alice.account_id, alice.channel_id, "talked about")

    first = posted(start_thread(api, bob.token, video.uuid, "First! **bold** <b>raw</b>"))
    assert first["text"] == "First! **bold** <b>raw</b>"  # stored as given
    assert first["threadId"] == first["id"] and first["inReplyToCommentId"] is None
    assert first["videoId"] == video.id
    assert first["url"].endswith(f"/videos/watch/{video.uuid}/comments/{first['id']}")
    assert first["account"]["name"] == "bob" and first["account"]["id"] == bob.account_id
    assert (first["heldForReview"], first["isDeleted"], first["deletedAt"]) == (False, False, None)
    assert (first["totalReplies"], first["totalRepliesFromVideoAuthor"]) == (0, 0)

    second = posted(start_thread(api, mod.token, video.id, "   "))  # whitespace is text
    answer = posted(reply(api, alice.token, video.uuid, first["id"], "Thanks"))
    assert (answer["threadId"], answer["inReplyToCommentId"]) == (first["id"], first["id"])
    deeper = posted(reply(api, bob.token, video.id, answer["id"], "You're welcome"))
    assert (deeper["threadId"], deeper["inReplyToCommentId"]) == (first["id"], answer["id"])
    posted(reply(api, alice.token, video.id, deeper["id"], "Bye"))
    posted(reply(api, mod.token, video.id, first["id"], "Hello from mod"))

    listed = threads(api, video.uuid)
    assert (listed["total"], listed["totalNotDeletedComments"]) == (2, 6)
    assert [c["id"] for c in listed["data"]] == [second["id"], first["id"]]  # newest first
    assert [list(c) for c in listed["data"]] == [KEYS, KEYS]
    root = listed["data"][1]
    assert (root["totalReplies"], root["totalRepliesFromVideoAuthor"]) == (4, 2)
    assert threads(api, video.id, query="?sort=createdAt")["data"][0]["id"] == first["id"]
    assert threads(api, video.id, query="?sort=-totalReplies")["data"][0]["id"] == first["id"]
    assert threads(api, video.id, query="?sort=totalReplies")["data"][0]["id"] == second["id"]
    paged = threads(api, video.id, query="?start=1&count=1")
    assert ([c["id"] for c in paged["data"]], paged["total"]) == ([first["id"]], 2)
    assert threads(api, video.id, query="?start=2&count=5")["data"] == []
    # PeerTube: count 0 = all; here a full page at most (L10, tests/security/test_l10_unbounded_reads.py).
    assert len(threads(api, video.id, query="?start=0&count=0")["data"]) == 2

    whole = tree(api, video.id, first["id"])
    assert shape(whole) == [
        "First! **bold** <b>raw</b>",
        [["Thanks", [["You're welcome", [["Bye", []]]]]], ["Hello from mod", []]],
    ]
    assert (whole["comment"]["totalReplies"], whole["comment"]["totalRepliesFromVideoAuthor"]) == (4, 2)
    thanks = whole["children"][0]["comment"]
    # PeerTube counts a reply's direct replies only (its own thread is the root's).
    assert (thanks["totalReplies"], thanks["totalRepliesFromVideoAuthor"]) == (1, 0)
    welcome = whole["children"][0]["children"][0]["comment"]
    assert (welcome["totalReplies"], welcome["totalRepliesFromVideoAuthor"]) == (1, 1)
    assert shape(tree(api, video.uuid, second["id"])) == ["   ", []]
    assert video_comments(api, video.uuid) == 6


def test_deleting_leaves_a_tombstone(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    video = add_video(alice.account_id, alice.channel_id, "moderated")
    root = posted(start_thread(api, bob.token, video.id, "root"))
    replies = [posted(reply(api, bob.token, video.id, root["id"], f"reply {n}")) for n in range(3)]
    posted(start_thread(api, alice.token, video.id, "owner's thread"))
    assert video_comments(api, video.id) == 5

    deleted = api.delete_as(f"/api/v1/videos/{video.id}/comments/{replies[1]['id']}", bob.token)  # the author
    assert (deleted.status, deleted.body) == (204, b"")
    # PeerTube sends this 204 without a Content-Type; API Gateway gives any response that
    # has none its default, application/json (without the charset of a JSON answer).
    assert deleted.content_type == "application/json"
    assert api.delete_as(f"/api/v1/videos/{video.uuid}/comments/{root['id']}", alice.token).status == 204  # owner
    again = api.delete_as(f"/api/v1/videos/{video.uuid}/comments/{root['id']}", mod.token)
    assert (again.status, again.json()["detail"]) == (409, "This comment is already deleted")

    listed = threads(api, video.id)
    assert (listed["total"], listed["totalNotDeletedComments"]) == (2, 3)
    tomb = listed["data"][1]
    assert tomb["id"] == root["id"]
    assert (tomb["text"], tomb["isDeleted"], tomb["account"], tomb["totalReplies"]) == ("", True, None, 2)
    assert tomb["deletedAt"] is not None and tomb["updatedAt"] == tomb["deletedAt"]
    whole = tree(api, video.id, root["id"])
    assert shape(whole) == ["", [["reply 0", []], ["", []], ["reply 2", []]]]
    assert whole["children"][1]["comment"]["isDeleted"] is True
    assert video_comments(api, video.id) == 3

    # Replying under a tombstone is allowed; a moderator may delete anyone's comment.
    late = posted(reply(api, alice.token, video.id, root["id"], "late"))
    assert api.delete_as(f"/api/v1/videos/{video.id}/comments/{late['id']}", mod.token).status == 204
    assert video_comments(api, video.id) == 3
    assert threads(api, video.id)["data"][1]["totalReplies"] == 2


def set_policy(video: Any, policy: int) -> None:
    from chalicelib.store.models import Video

    video.update(actions=[Video.comments_policy.set(policy)])


def test_comments_follow_the_video_privacy(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    private = add_video(alice.account_id, alice.channel_id, "private", privacy=3)
    unlisted = add_video(alice.account_id, alice.channel_id, "unlisted", privacy=2)
    internal = add_video(alice.account_id, alice.channel_id, "internal", privacy=4)

    own = posted(start_thread(api, alice.token, private.uuid, "note to self"))
    posted(reply(api, mod.token, private.id, own["id"], "moderator here"))  # SEE_ALL_VIDEOS
    assert threads(api, private.id, alice.token)["total"] == 1
    assert shape(tree(api, private.id, own["id"], mod.token)) == ["note to self", [["moderator here", []]]]
    before = stored()
    for response in (
        api.get(f"/api/v1/videos/{private.uuid}/comment-threads"),
        api.get(f"/api/v1/videos/{private.uuid}/comment-threads/{own['id']}"),
    ):
        assert (response.status, response.json()["detail"]) == (401, "Authentication is required")
    for response in (
        api.get_as(f"/api/v1/videos/{private.uuid}/comment-threads", bob.token),
        api.get_as(f"/api/v1/videos/{private.uuid}/comment-threads/{own['id']}", bob.token),
        start_thread(api, bob.token, private.uuid, "let me in"),
        reply(api, bob.token, private.uuid, own["id"], "let me in"),
    ):
        assert response.status == 403
        assert response.json()["detail"] == "Cannot fetch information of private/internal/blocked video"
    # Unlisted: by UUID for anyone, by numeric id only for logged-in users (checkCanSeeVideo).
    assert api.get(f"/api/v1/videos/{unlisted.id}/comment-threads").status == 401
    assert start_thread(api, bob.token, unlisted.id, "by id").status == 403
    assert stored() == before
    posted(start_thread(api, bob.token, unlisted.uuid, "by uuid"))
    assert threads(api, unlisted.uuid)["total"] == 1
    # Internal: any logged-in user.
    assert api.get(f"/api/v1/videos/{internal.uuid}/comment-threads").status == 401
    posted(start_thread(api, bob.token, internal.uuid, "inside"))
    assert threads(api, internal.id, bob.token)["total"] == 1


def test_comments_held_for_review(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    video = add_video(alice.account_id, alice.channel_id, "approved comments only", comments_policy=3)

    held = posted(start_thread(api, bob.token, video.id, "please approve"))
    assert held["heldForReview"] is True
    owners = posted(start_thread(api, alice.token, video.id, "from the owner"))
    assert owners["heldForReview"] is False
    assert posted(start_thread(api, mod.token, video.id, "from a moderator"))["heldForReview"] is False
    held_reply = posted(reply(api, bob.token, video.id, owners["id"], "held reply"))
    assert held_reply["heldForReview"] is True
    assert video_comments(api, video.id) == 2  # held comments do not count

    anonymous = threads(api, video.id)
    assert [c["text"] for c in anonymous["data"]] == ["from a moderator", "from the owner"]
    assert (anonymous["total"], anonymous["totalNotDeletedComments"]) == (2, 2)
    assert anonymous["data"][1]["totalReplies"] == 1  # PeerTube counts held replies all the same
    # The held root is the oldest: a page must skip it, not come back short.
    oldest = threads(api, video.id, query="?sort=createdAt&count=1")["data"]
    assert [c["text"] for c in oldest] == ["from the owner"]
    second = threads(api, video.id, query="?sort=createdAt&start=1&count=1")["data"]
    assert [c["text"] for c in second] == ["from a moderator"]
    author = threads(api, video.id, bob.token)
    assert [c["text"] for c in author["data"]] == ["from a moderator", "from the owner", "please approve"]
    assert (author["total"], author["totalNotDeletedComments"]) == (3, 4)
    for who in (alice, mod):
        seen = threads(api, video.id, who.token)
        assert (seen["total"], seen["totalNotDeletedComments"]) == (3, 4)

    assert shape(tree(api, video.id, owners["id"])) == ["from the owner", []]
    assert shape(tree(api, video.id, owners["id"], bob.token)) == ["from the owner", [["held reply", []]]]
    assert shape(tree(api, video.id, owners["id"], alice.token)) == ["from the owner", [["held reply", []]]]
    hidden = api.get(f"/api/v1/videos/{video.id}/comment-threads/{held['id']}")
    assert (hidden.status, hidden.json()["detail"]) == (404, "No comments were found")
    assert shape(tree(api, video.id, held["id"], mod.token)) == ["please approve", []]

    # Deleted held comments leave the author's view; the video's count never moved.
    assert api.delete_as(f"/api/v1/videos/{video.id}/comments/{held['id']}", bob.token).status == 204
    author = threads(api, video.id, bob.token)
    assert (author["total"], author["totalNotDeletedComments"]) == (2, 3)
    assert (threads(api, video.id, alice.token)["total"], video_comments(api, video.id)) == (3, 2)
    # PeerTube's quirk: with the root hidden, the first visible reply stands in for it.
    posted(reply(api, alice.token, video.id, held["id"], "answer under a hidden root"))
    assert shape(tree(api, video.id, held["id"])) == ["answer under a hidden root", []]
    assert shape(tree(api, video.id, held["id"], mod.token)) == ["", [["answer under a hidden root", []]]]


def test_comments_disabled(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    video = add_video(alice.account_id, alice.channel_id, "quiet")
    thread = posted(start_thread(api, bob.token, video.id, "before the switch"))
    set_policy(video, 2)
    before = stored()
    for response in (
        start_thread(api, bob.token, video.id, "hello?"),
        reply(api, alice.token, video.id, thread["id"], "hello?"),
        reply(api, alice.token, video.id, 999999, "checked before the comment"),
    ):
        assert (response.status, response.json()["detail"]) == (409, "Video comments are disabled for this video.")
        assert response.json()["title"] == "Conflict"
    assert threads(api, video.id) == {"total": 0, "data": [], "totalNotDeletedComments": 0}
    gone = api.get(f"/api/v1/videos/{video.id}/comment-threads/{thread['id']}")
    assert (gone.status, gone.json()["detail"]) == (404, "No comments were found")
    assert stored() == before
    assert video_comments(api, video.id) == 1


def problem(response: ApiResponse, status: int, detail: str) -> dict[str, Any]:
    assert response.status == status, response.body
    body: dict[str, Any] = response.json()
    assert body["detail"] == detail
    assert response.content_type.startswith("application/problem+json")
    return body


def invalid(response: ApiResponse) -> dict[str, str]:
    body = problem(response, 400, response.json().get("detail", ""))
    assert body["detail"].startswith("Incorrect request parameters: ")
    return {name: param["msg"] for name, param in body["invalid-params"].items()}


def test_bad_input_changes_nothing(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    video = add_video(alice.account_id, alice.channel_id, "target")
    other = add_video(bob.account_id, bob.channel_id, "elsewhere")
    private = add_video(alice.account_id, alice.channel_id, "private", privacy=3)
    root = posted(start_thread(api, alice.token, video.id, "root"))
    answer = posted(reply(api, mod.token, video.id, root["id"], "a reply"))
    foreign = posted(start_thread(api, bob.token, other.id, "on another video"))
    threads_url = f"/api/v1/videos/{video.id}/comment-threads"
    before = stored()

    # Unknown video, unknown comment, a comment of another video, a reply as a thread.
    for response in (
        api.get("/api/v1/videos/424242/comment-threads"),
        api.get(f"/api/v1/videos/424242/comment-threads/{root['id']}"),
        start_thread(api, bob.token, 424242, "hi"),
        start_thread(api, bob.token, "9b3b8a4e-5bd5-4e2c-9a42-7a2b5b1b1b1b", "hi"),
        reply(api, bob.token, 424242, root["id"], "hi"),
        api.delete_as(f"/api/v1/videos/424242/comments/{root['id']}", alice.token),
    ):
        problem(response, 404, "Video not found")
    for response in (
        api.get(f"{threads_url}/999999"),
        reply(api, bob.token, video.id, 999999, "hi"),
        reply(api, bob.token, video.id, -3, "hi"),
        api.delete_as(f"/api/v1/videos/{video.id}/comments/999999", alice.token),
    ):
        problem(response, 404, "Video comment thread not found")
    for response in (
        api.get(f"{threads_url}/{foreign['id']}"),
        reply(api, bob.token, video.id, foreign["id"], "hi"),
        api.delete_as(f"/api/v1/videos/{video.id}/comments/{foreign['id']}", bob.token),
    ):
        body = problem(response, 400, "Video comment is not associated to this video.")
        assert body["code"] == "comment_not_associated_to_video" and "title" not in body
    problem(api.get(f"{threads_url}/{answer['id']}"), 400, "Video comment is not a thread.")

    # Someone else's comment, and a private video seen by others.
    for comment in (root, answer):  # the owner's and a moderator's, on alice's video
        refused = api.delete_as(f"/api/v1/videos/{video.id}/comments/{comment['id']}", bob.token)
        problem(refused, 403, "User does not have the permission to delete this comment")
    problem(api.get_as(f"/api/v1/videos/{private.id}/comment-threads", bob.token), 403,
            "Cannot fetch information of private/internal/blocked video")  # fmt: skip
    problem(start_thread(api, bob.token, private.id, "hi"), 403,
            "Cannot fetch information of private/internal/blocked video")  # fmt: skip

    # The text: PeerTube's validator messages, including validator.js's type errors.
    for text, message in (
        ("", "Invalid value"),
        ("x" * 10001, "Invalid value"),
        ("\ufe0f", "Invalid value"),  # validator.js does not count presentation selectors
        (5, "Expected a string but received a Number"),
        (True, "Expected a string but received a Boolean"),
        (["a"], "Expected a string but received a Array"),
        ({"a": 1}, "Expected a string but received a Object"),
        (None, "Expected a string but received a null"),
    ):
        assert invalid(start_thread(api, bob.token, video.id, text)) == {"text": message}
        assert invalid(reply(api, bob.token, video.id, root["id"], text)) == {"text": message}
    missing = api.post_json(threads_url, {}, bob.token)
    assert invalid(missing) == {"text": "Expected a string but received a undefined"}
    both = api.post_json("/api/v1/videos/not-a-video/comments/abc", {"text": ""}, bob.token)
    assert invalid(both) == {
        "videoId": "Should have a valid video id (id, short UUID or UUID)",
        "commentId": "Invalid value",
        "text": "Invalid value",
    }
    assert invalid(api.get("/api/v1/videos/not-a-video/comment-threads")) == {
        "videoId": "Should have a valid video id (id, short UUID or UUID)"
    }
    assert invalid(api.get(f"{threads_url}/abc")) == {"threadId": "Invalid value"}
    assert invalid(api.delete_as(f"/api/v1/videos/{video.id}/comments/1.5", alice.token)) == {
        "commentId": "Invalid value"
    }
    not_json = api.request(
        "POST", threads_url, body=b"{text", headers={"Content-Type": "application/json",
                                                     "Authorization": f"Bearer {bob.token}"}
    )  # fmt: skip
    assert not_json.status == 400

    # Pagination and sort.
    assert invalid(api.get(f"{threads_url}?count=101")) == {"count": "Should have a number count (max: 100)"}
    assert invalid(api.get(f"{threads_url}?start=-1")) == {"start": "Invalid value"}
    for sort in ("id", "-id", "+createdAt", "likes", ""):
        assert invalid(api.get(f"{threads_url}?sort={sort}")) == {"sort": "Invalid value"}

    # Without a token.
    for response in (
        start_thread(api, None, video.id, "hi"),
        reply(api, None, video.id, root["id"], "hi"),
        api.delete_as(f"/api/v1/videos/{video.id}/comments/{root['id']}", None),
    ):
        assert response.status == 401
        assert response.json()["code"] == "unauthorized_request"

    assert stored() == before
    assert video_comments(api, video.id) == 2


def test_text_limits_as_peertube_counts_them(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "long talk")
    longest = posted(start_thread(api, alice.token, video.id, "x" * 10000))
    assert len(longest["text"]) == 10000
    emoji = "\U0001f44d\ufe0f" * 10000  # astral characters count once, selectors not at all
    assert posted(start_thread(api, alice.token, video.id, emoji))["text"] == emoji
    attack = "<script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1)) &lt;"
    assert posted(start_thread(api, alice.token, video.id, attack))["text"] == attack  # verbatim, as PeerTube
    assert threads(api, video.id)["total"] == 3


def test_calls_per_request_do_not_grow_with_comments(
    api: ApiClient, people: dict[str, Member], dynamodb_calls: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.domain import muting
    from chalicelib.store import catalog

    # The catalogue reads its changes after this process wrote, not on a timer: the same
    # figures whatever the machine's speed.
    monkeypatch.setattr(catalog, "FOLLOW_INTERVAL", 3600.0)
    # The instance's blocks (which hide comments) are read once, then kept for a while: read
    # them before measuring, and keep them for the whole test.
    monkeypatch.setattr(muting, "REFRESH_SECONDS", 3600.0)
    alice, bob = people["alice"], people["bob"]
    video = add_video(alice.account_id, alice.channel_id, "busy")
    root = posted(start_thread(api, bob.token, video.id, "root"))
    muting.by_instance()

    def measure() -> dict[str, dict[str, int]]:
        figures = {}
        for name, call in (
            ("list", lambda: api.get(f"/api/v1/videos/{video.id}/comment-threads")),
            ("tree", lambda: api.get(f"/api/v1/videos/{video.id}/comment-threads/{root['id']}")),
            ("thread", lambda: start_thread(api, bob.token, video.id, "more")),
            ("reply", lambda: reply(api, alice.token, video.id, root["id"], "more")),
        ):
            dynamodb_calls.clear()
            assert call().status == 200
            figures[name] = dict(dynamodb_calls)
        return figures

    before = measure()
    for n in range(5):
        posted(start_thread(api, alice.token, video.id, f"thread {n}"))
        posted(reply(api, bob.token, video.id, root["id"], f"reply {n}"))
    assert measure() == before
    assert "Scan" not in str(before)
    # video, the catalogue's changes (a video whose account or channel is being deleted is
    # not found; the comments just written changed its counters), thread roots (one Query),
    # their authors (one BatchGetItem)
    assert before["list"] == {"GetItem": 1, "Query": 2, "BatchGetItem": 1}
    # video, the id's claim, the thread (one Query), its authors
    assert before["tree"] == {"GetItem": 2, "Query": 1, "BatchGetItem": 1}
    # token, user, video; the rate limit's counter; the watched words and tag policy of the
    # video's owner and of the instance (one Query each); the new id; one transaction; the
    # author's account; the author and the video's owner again, for the Create(Note) sent to followers
    assert before["thread"] == {
        "GetItem": 3,
        "Query": 2,
        "UpdateItem": 2,
        "TransactWriteItems": 1,
        "BatchGetItem": 2,
    }
    # the same and the parent's claim (and the parent, whose URL the Create(Note) names); the
    # catalogue's changes, read since the thread before it was written (is the video withheld?)
    assert before["reply"] == {"GetItem": 5, "Query": 3, "UpdateItem": 2, "TransactWriteItems": 1, "BatchGetItem": 2}

    dynamodb_calls.clear()
    assert api.delete_as(f"/api/v1/videos/{video.id}/comments/{root['id']}", bob.token).status == 204
    # token, user, video, claim, comment; the catalogue's changes (is the video withheld?); the
    # author and the video's owner, for the Delete sent to followers
    assert dict(dynamodb_calls) == {"GetItem": 5, "Query": 1, "TransactWriteItems": 1, "BatchGetItem": 1}
