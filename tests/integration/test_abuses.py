"""Abuse reports: reporting videos, comments and accounts, the moderators' list and its
filters, moderation, a user's own reports, messages, and PeerTube's answers to bad input."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib.store import catalog
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.members import Member
from tests.openapi import ACTOR_NULLS, assert_conforms
from tests.video_seed import add_video

# Where PeerTube's answers differ from its OpenAPI file (its behaviour wins): startAt and endAt
# are seconds (or null), not dates; a video without a thumbnail has thumbnailPath null; the
# file's enum spells "violentOrAbusive" where PeerTube says "violentOrRepulsive"; moderation
# comments are null until written; accounts and channels without a description have null.
ABUSE_DEVIATIONS = (
    "video/startAt",
    "video/endAt",
    "video/thumbnailPath",
    "moderationComment: None",
    r"predefinedReasons/\d+: 'violentOrRepulsive'",
    "video: None",
    "comment: None",
    *(f"flaggedAccount/{path}" for path in ACTOR_NULLS),
    *(f"reporterAccount/{path}" for path in ACTOR_NULLS),
    *(f"video/channel/{path}" for path in ACTOR_NULLS),
)


def report(api: ApiClient, token: str | None, body: dict[str, Any]) -> Any:
    return api.post_json("/api/v1/abuses", body, token)


def listed(api: ApiClient, token: str, query: str = "") -> dict[str, Any]:
    response = api.get_as(f"/api/v1/abuses{query}", token)
    assert response.status == 200, response.body
    return dict(response.json())


def stats(api: ApiClient) -> tuple[int, int]:
    body = api.get("/api/v1/server/stats").json()
    return body["totalAbuses"], body["totalAbusesProcessed"]


def comment_on(api: ApiClient, video: str, token: str, text: str = "Rude words here") -> int:
    posted = api.post_json(f"/api/v1/videos/{video}/comment-threads", {"text": text}, token)
    assert posted.status == 200, posted.body
    return int(posted.json()["comment"]["id"])


@dataclass(frozen=True)
class Reported:
    video: Any
    comment_id: int
    video_abuse: int
    comment_abuse: int
    account_abuse: int


def three_reports(api: ApiClient, people: dict[str, Member]) -> Reported:
    """bob reports alice's video (a part of it) and comment, the moderator her account."""
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    video = add_video(alice.account_id, alice.channel_id, "Questionable cooking")
    comment_id = comment_on(api, video.uuid, alice.token)
    first = report(
        api,
        bob.token,
        {
            "reason": "Dangerous advice",
            "predefinedReasons": ["violentOrRepulsive", "spamOrMisleading"],
            "video": {"id": video.uuid, "startAt": 10, "endAt": 20},
        },
    )
    assert first.status == 200 and set(first.json()) == {"abuse"}
    second = report(api, bob.token, {"reason": "Insults", "comment": {"id": comment_id}})
    third = report(api, mod.token, {"reason": "Impersonation", "account": {"id": alice.account_id}})
    made = [r.json()["abuse"]["id"] for r in (first, second, third)]
    return Reported(video, comment_id, *made)


def test_reports_are_listed(api: ApiClient, people: dict[str, Member]) -> None:
    alice, mod = people["alice"], people["mod"]
    made = three_reports(api, people)
    assert stats(api) == (3, 0)

    everything = listed(api, mod.token)
    assert everything["total"] == 3
    assert [a["id"] for a in everything["data"]] == [made.account_abuse, made.comment_abuse, made.video_abuse]
    for abuse in everything["data"]:
        assert_conforms("Abuse", abuse, known_deviations=ABUSE_DEVIATIONS)
    by_video = everything["data"][2]
    assert by_video["reason"] == "Dangerous advice"
    assert by_video["predefinedReasons"] == ["violentOrRepulsive", "spamOrMisleading"]
    assert by_video["state"] == {"id": 1, "label": "Pending"}
    assert by_video["flaggedAccount"]["name"] == "alice" and by_video["reporterAccount"]["name"] == "bob"
    assert by_video["video"]["uuid"] == made.video.uuid and by_video["video"]["name"] == "Questionable cooking"
    assert (by_video["video"]["startAt"], by_video["video"]["endAt"]) == (10, 20)
    assert by_video["video"]["deleted"] is False and by_video["video"]["channel"]["id"] == alice.channel_id
    assert (by_video["video"]["countReports"], by_video["video"]["nthReport"]) == (1, 1)
    assert by_video["countReportsForReporter"] == 2 and by_video["countReportsForReportee"] == 3
    assert by_video["comment"] is None and by_video["moderationComment"] is None
    by_comment = everything["data"][1]
    assert by_comment["video"] is None
    assert by_comment["comment"]["id"] == made.comment_id and by_comment["comment"]["text"] == "Rude words here"
    assert by_comment["comment"]["video"]["uuid"] == made.video.uuid and by_comment["comment"]["deleted"] is False
    by_account = everything["data"][0]
    assert by_account["video"] is None and by_account["comment"] is None
    assert by_account["reporterAccount"]["name"] == "moddy"


def test_report_filters(api: ApiClient, people: dict[str, Member]) -> None:
    mod = people["mod"]
    made = three_reports(api, people)

    def ids(query: str) -> list[int]:
        return [a["id"] for a in listed(api, mod.token, query)["data"]]

    assert ids("?filter=video") == [made.video_abuse]
    assert ids("?filter=comment") == [made.comment_abuse]
    assert ids("?filter=account") == [made.account_abuse]
    assert ids("?predefinedReason=spamOrMisleading") == [made.video_abuse]
    assert ids("?predefinedReason=privacy") == []
    assert ids(f"?id={made.comment_abuse}") == [made.comment_abuse]
    assert ids("?search=cooking") == [made.video_abuse]
    assert ids("?search=MODDY") == [made.account_abuse]
    assert ids("?searchReporter=bob") == [made.comment_abuse, made.video_abuse]
    assert ids("?searchReportee=alice&sort=id") == [made.video_abuse, made.comment_abuse, made.account_abuse]
    assert ids("?searchVideo=cook") == [made.video_abuse]
    assert ids("?searchVideoChannel=alice") == [made.video_abuse]
    assert ids("?videoIs=deleted") == []
    assert ids("?videoIs=blacklisted") == []
    assert ids("?sort=createdAt&start=1&count=1") == [made.comment_abuse]
    assert listed(api, mod.token, "?start=1&count=1")["total"] == 3


def test_moderation_and_my_reports(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    made = three_reports(api, people)

    def ids(query: str) -> list[int]:
        return [a["id"] for a in listed(api, mod.token, query)["data"]]

    # A state change is the first moderation (counted once); a comment alone is not.
    changed = api.put_json(f"/api/v1/abuses/{made.video_abuse}", {"state": 3, "moderationComment": "Gone"}, mod.token)
    assert changed.status == 204
    assert api.put_json(f"/api/v1/abuses/{made.video_abuse}", {"state": 2}, mod.token).status == 204
    commented = api.put_json(f"/api/v1/abuses/{made.comment_abuse}", {"moderationComment": "Looking"}, mod.token)
    assert commented.status == 204
    assert stats(api) == (3, 1)
    assert api.get("/api/v1/server/stats").json()["averageAbuseResponseTimeMs"] >= 0
    assert ids("?state=2") == [made.video_abuse]
    assert ids("?state=1") == [made.account_abuse, made.comment_abuse]
    assert ids("?sort=-state") == [made.video_abuse, made.comment_abuse, made.account_abuse]
    moderated = listed(api, mod.token, "?state=2")["data"][0]
    assert moderated["moderationComment"] == "Gone" and moderated["state"] == {"id": 2, "label": "Rejected"}

    # The reporter's own list: no moderation fields.
    mine = api.get_as("/api/v1/users/me/abuses", bob.token)
    assert mine.status == 200
    assert mine.json()["total"] == 2
    for abuse in mine.json()["data"]:
        assert_conforms("Abuse", abuse, known_deviations=ABUSE_DEVIATIONS)
        assert "moderationComment" not in abuse and "reporterAccount" not in abuse
        assert "countReports" not in (abuse["video"] or {})
    rejected = api.get_as("/api/v1/users/me/abuses?state=2", bob.token).json()["data"]
    assert [a["id"] for a in rejected] == [made.video_abuse]
    assert api.get_as("/api/v1/users/me/abuses?search=cooking", bob.token).json()["total"] == 1
    assert api.get_as(f"/api/v1/users/me/abuses?id={made.comment_abuse}", bob.token).json()["total"] == 1
    assert api.get_as("/api/v1/users/me/abuses", alice.token).json() == {"total": 0, "data": []}

    # Deleting a report: our copy only.
    assert api.delete_as(f"/api/v1/abuses/{made.video_abuse}", mod.token).status == 204
    assert api.delete_as(f"/api/v1/abuses/{made.video_abuse}", mod.token).status == 404
    assert listed(api, mod.token)["total"] == 2
    assert stats(api) == (2, 0)


def test_a_deleted_video_stays_listed(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    video = add_video(alice.account_id, alice.channel_id, "Soon gone")
    assert report(api, bob.token, {"reason": "Spam", "video": {"id": video.id}}).status == 200
    assert api.delete_as(f"/api/v1/videos/{video.uuid}", alice.token).status == 204
    gone = listed(api, mod.token, "?videoIs=deleted")
    assert gone["total"] == 1
    shown = gone["data"][0]["video"]
    assert shown["deleted"] is True and shown["name"] == "Soon gone" and shown["uuid"] == video.uuid
    assert "thumbnailPath" not in shown
    assert shown["countReports"] == 0
    assert_conforms("Abuse", gone["data"][0], known_deviations=ABUSE_DEVIATIONS)


def test_blocked_reporters_are_hidden_from_moderators(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    video = add_video(alice.account_id, alice.channel_id, "Reported")
    assert report(api, bob.token, {"reason": "Spam", "video": {"id": video.uuid}}).status == 200
    blocked = api.post_json("/api/v1/users/me/blocklist/accounts", {"accountName": "bob"}, mod.token)
    assert blocked.status == 204
    assert listed(api, mod.token)["total"] == 0
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    assert listed(api, root)["total"] == 1


def test_abuse_messages(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    video = add_video(alice.account_id, alice.channel_id, "Talked about")
    abuse_id = report(api, bob.token, {"reason": "Spam", "video": {"id": video.uuid}}).json()["abuse"]["id"]
    path = f"/api/v1/abuses/{abuse_id}/messages"

    from_bob = api.post_json(path, {"message": "Any news?"}, bob.token)
    assert from_bob.status == 200 and set(from_bob.json()["abuseMessage"]) == {"id"}
    assert stats(api) == (1, 0)  # the reporter's message is no moderation
    from_mod = api.post_json(path, {"message": "We are on it"}, mod.token)
    assert from_mod.status == 200
    assert stats(api) == (1, 1)

    for token in (bob.token, mod.token):
        messages = api.get_as(path, token)
        assert messages.status == 200
        body = messages.json()
        assert body["total"] == 2
        assert [(m["message"], m["byModerator"]) for m in body["data"]] == [
            ("Any news?", False),
            ("We are on it", True),
        ]
        for message in body["data"]:
            assert_conforms("AbuseMessage", message)
    assert body["data"][0]["account"]["name"] == "bob"
    assert listed(api, mod.token)["data"][0]["countMessages"] == 2

    # Someone else's message: only moderators delete it.
    mod_message = from_mod.json()["abuseMessage"]["id"]
    refused = api.delete_as(f"{path}/{mod_message}", bob.token)
    assert (refused.status, refused.json()["detail"]) == (403, "Cannot delete this abuse message")
    missing = api.delete_as(f"{path}/999999", bob.token)
    assert (missing.status, missing.json()["detail"]) == (404, "Abuse message not found")
    assert api.delete_as(f"{path}/abc", bob.token).json()["invalid-params"]["messageId"]["msg"] == "Invalid value"
    assert api.delete_as(f"{path}/{from_bob.json()['abuseMessage']['id']}", bob.token).status == 204
    assert api.delete_as(f"{path}/{mod_message}", mod.token).status == 204
    assert api.get_as(path, bob.token).json() == {"total": 0, "data": []}

    # Strangers, bad messages, unknown abuses.
    stranger = api.get_as(path, alice.token)
    assert stranger.status == 403
    assert stranger.json()["detail"] == f"User alice does not have right to get abuse {abuse_id}"
    assert api.post_json(path, {"message": "Me too"}, alice.token).status == 403
    for bad in ({}, {"message": "x"}, {"message": "x" * 3001}, {"message": 42}):
        answer = api.post_json(path, bad, bob.token)
        assert answer.status == 400 and answer.json()["invalid-params"]["message"]["msg"] == "Invalid value"
    assert api.get_as("/api/v1/abuses/424242/messages", mod.token).status == 404
    assert api.get_as("/api/v1/abuses/nope/messages", mod.token).status == 400
    assert api.get(path).status == 401
    assert api.get_as(path, bob.token).json()["total"] == 0
    assert listed(api, mod.token)["data"][0]["countMessages"] == 0


def test_bad_reports_store_nothing(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    video = add_video(alice.account_id, alice.channel_id, "Mine")
    ok_video = {"id": video.uuid}

    def refused(body: dict[str, Any], token: str | None = bob.token) -> tuple[int, Any]:
        answer = report(api, token, body)
        return answer.status, answer.json() if answer.body else None

    def invalid(body: dict[str, Any]) -> dict[str, str]:
        status, problem = refused(body)
        assert status == 400, problem
        return {field: detail["msg"] for field, detail in problem["invalid-params"].items()}

    assert refused({"reason": "Spam", "video": ok_video}, None)[0] == 401
    assert invalid({"video": ok_video}) == {"reason": "Invalid value"}
    assert invalid({"reason": "x", "video": ok_video}) == {"reason": "Invalid value"}
    assert invalid({"reason": "x" * 3001, "video": ok_video}) == {"reason": "Invalid value"}
    assert invalid({"reason": 12, "video": ok_video}) == {"reason": "Invalid value"}
    assert invalid({"reason": "Spam", "video": ok_video, "predefinedReasons": ["nope"]}) == {
        "predefinedReasons": "Invalid value"
    }
    assert invalid({"reason": "Spam", "video": ok_video, "predefinedReasons": "spamOrMisleading"}) == {
        "predefinedReasons": "Invalid value"
    }
    assert invalid({"reason": "Spam", "video": {"id": "not a video"}}) == {"video.id": "Invalid value"}
    assert invalid({"reason": "Spam", "account": {"id": "abc"}}) == {"account.id": "Invalid value"}
    assert invalid({"reason": "Spam", "comment": {"id": 1.5}}) == {"comment.id": "Invalid value"}
    assert invalid({"reason": "Spam", "video": {"id": video.uuid, "startAt": -1}}) == {"video.startAt": "Invalid value"}
    assert invalid({"reason": "Spam", "video": {"id": video.uuid, "startAt": "soon"}}) == {
        "video.startAt": "Invalid value"
    }
    before_start = "Should have a startAt timestamp beginning before endAt"
    assert invalid({"reason": "Spam", "video": {"id": video.uuid, "startAt": 5, "endAt": 5}}) == {
        "video.endAt": before_start
    }
    assert invalid({"reason": "Spam", "video": {"id": video.uuid, "endAt": 5}}) == {"video.endAt": before_start}

    status, problem = refused({"reason": "Spam"})
    assert (status, problem["detail"]) == (400, "video id or account id or comment id is required.")
    status, problem = refused({"reason": "Spam", "video": {"id": 424242}})
    assert (status, problem["detail"]) == (404, "Video not found")
    status, problem = refused({"reason": "Spam", "account": {"id": 424242}})
    assert (status, problem["detail"]) == (404, "Account not found")
    status, problem = refused({"reason": "Spam", "account": {"id": alice.channel_id}})  # a channel is no account
    assert (status, problem["detail"]) == (404, "Account not found")
    status, problem = refused({"reason": "Spam", "comment": {"id": 424242}})
    assert (status, problem["detail"]) == (404, "Video comment thread not found")
    status, problem = refused({"reason": "Spam", "video": ok_video}, alice.token)
    assert (status, problem["detail"]) == (403, "You cannot report a video you own or collaborate on.")

    # A deleted comment has no author left to report.
    comment_id = comment_on(api, video.uuid, bob.token)
    assert api.delete_as(f"/api/v1/videos/{video.uuid}/comments/{comment_id}", bob.token).status == 204
    status, problem = refused({"reason": "Spam", "comment": {"id": comment_id}}, alice.token)
    assert (status, problem["detail"]) == (404, "Video comment thread not found")

    root = api.login("root", ROOT_PASSWORD)["access_token"]
    assert listed(api, root) == {"total": 0, "data": []}
    assert stats(api) == (0, 0)


def test_moderation_rights_and_bad_input(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    video = add_video(alice.account_id, alice.channel_id, "Watched")
    abuse_id = report(api, bob.token, {"reason": "Spam", "video": {"id": video.uuid}}).json()["abuse"]["id"]

    assert api.get("/api/v1/abuses").status == 401
    forbidden = api.get_as("/api/v1/abuses", bob.token)
    assert forbidden.status == 403
    assert forbidden.json()["detail"] == "User bob does not have right (No. 6) to access to /."
    assert api.put_json(f"/api/v1/abuses/{abuse_id}", {"state": 3}, bob.token).status == 403
    assert api.delete_as(f"/api/v1/abuses/{abuse_id}", bob.token).status == 403
    assert api.get("/api/v1/users/me/abuses").status == 401

    def problem(response: Any) -> tuple[int, dict[str, str]]:
        body = response.json()
        return response.status, {f: d["msg"] for f, d in body.get("invalid-params", {}).items()}

    for query, field in (
        ("?state=4", "state"),
        ("?state=pending", "state"),
        ("?id=x", "id"),
        ("?filter=videos", "filter"),
        ("?predefinedReason=nope", "predefinedReason"),
        ("?videoIs=gone", "videoIs"),
        ("?sort=reason", "sort"),
        ("?count=101", "count"),
    ):
        assert problem(api.get_as(f"/api/v1/abuses{query}", mod.token))[1].keys() == {field}, query
    assert problem(api.get_as("/api/v1/users/me/abuses?state=9", bob.token)) == (400, {"state": "Invalid value"})
    assert api.get_as("/api/v1/users/me/abuses?filter=nope", bob.token).status == 200  # not a user filter

    for body, field in (
        ({"state": 4}, "state"),
        ({"state": "accepted"}, "state"),
        ({"state": True}, "state"),
        ({"moderationComment": "x"}, "moderationComment"),
        ({"moderationComment": 5}, "moderationComment"),
    ):
        assert problem(api.put_json(f"/api/v1/abuses/{abuse_id}", body, mod.token)) == (400, {field: "Invalid value"})
    assert problem(api.put_json("/api/v1/abuses/abc", {"state": 2}, mod.token)) == (400, {"id": "Invalid value"})
    missing = api.put_json("/api/v1/abuses/424242", {"state": 2}, mod.token)
    assert (missing.status, missing.json()["detail"]) == (404, "Abuse not found")
    assert api.delete_as("/api/v1/abuses/424242", mod.token).status == 404
    assert problem(api.delete_as("/api/v1/abuses/abc", mod.token)) == (400, {"id": "Invalid value"})

    unchanged = listed(api, mod.token)["data"][0]
    assert unchanged["state"]["id"] == 1 and unchanged["moderationComment"] is None
    assert stats(api) == (1, 0)


def test_lists_cost_the_same_with_more_reports(
    api: ApiClient, people: dict[str, Member], dynamodb_calls: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    monkeypatch.setattr(catalog, "FOLLOW_INTERVAL", 3600.0)  # the catalogue's own refreshes aside
    videos = [add_video(alice.account_id, alice.channel_id, f"Reported {n}") for n in range(6)]
    assert report(api, bob.token, {"reason": "Spam", "video": {"id": videos[0].uuid}}).status == 200
    paths = {"/api/v1/abuses": mod.token, "/api/v1/users/me/abuses": bob.token}

    def costs() -> dict[str, dict[str, int]]:
        found = {}
        for path, token in paths.items():
            dynamodb_calls.clear()
            assert api.get_as(path, token).status == 200
            found[path] = dict(dynamodb_calls)
        return found

    costs()  # the catalogue catches up with the new videos
    before = costs()
    for video in videos[1:]:
        assert report(api, bob.token, {"reason": "Spam", "video": {"id": video.uuid}}).status == 200
    assert costs() == before
    assert "Scan" not in str(before)
    # token and user, the reports (one Query per MB), the moderator's own blocks
    assert before["/api/v1/abuses"] == {"GetItem": 2, "Query": 2}
    assert before["/api/v1/users/me/abuses"] == {"GetItem": 2, "Query": 1}
