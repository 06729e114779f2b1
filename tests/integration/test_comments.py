"""Video comments as PeerTube answers them: threads, replies, trees, soft deletion,
privacy, comments held for review, counters, and every refusal with its message."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD
from tests.members import Member
from tests.openapi import ACTOR_NULLS, assert_conforms
from tests.video_seed import add_video

# Where PeerTube's answers differ from its OpenAPI file (its behaviour wins):
# - a deleted comment keeps its place as a tombstone with text "" (the file says minLength
#   1) and account null (the file's Account is not nullable);
# - a thread root's inReplyToCommentId is null: the file says `nullable` beside an `allOf`,
#   which OpenAPI 3.0 ignores;
# - an account without a description has description null (ACTOR_NULLS).
ACCOUNT_NULLS = tuple(f"account/{path}" for path in ACTOR_NULLS if "/" not in path)
TOMBSTONE = ("text: '' should be non-empty", "account: None is not of type 'object'")
COMMENT_DEVIATIONS = ("inReplyToCommentId: None", *ACCOUNT_NULLS, *TOMBSTONE)
POST_DEVIATIONS = tuple(f"comment/{pattern}" for pattern in COMMENT_DEVIATIONS)
LIST_DEVIATIONS = tuple(rf"data/\d+/{pattern}" for pattern in COMMENT_DEVIATIONS)
TREE_DEVIATIONS = tuple(rf"(children/\d+/)*comment/{pattern}" for pattern in COMMENT_DEVIATIONS)

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
    assert len(threads(api, video.id, query="?start=5&count=0")["data"]) == 2  # PeerTube: count 0 = all

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
