"""Notifications over HTTP (the in-process API function over moto, the work queue drained as
Lambda would): what makes them, their JSON, reading and marking them, the settings, and the
fan-out to a channel's subscribers, exactly once per user even when messages come again."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.config import get_settings
from chalicelib.domain import events
from chalicelib.domain.notifications import tasks
from chalicelib.domain.notifications.types import DEFAULT_SETTINGS
from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD
from tests.members import Member, make_member
from tests.openapi import assert_conforms
from tests.queue_runner import drain
from tests.video_seed import add_video

NOTIFICATIONS = "/api/v1/users/me/notifications"


def mine(api: ApiClient, member: Member, query: str = "") -> dict[str, Any]:
    response = api.get_as(f"{NOTIFICATIONS}{query}", member.token)
    assert response.status == 200, response.body
    return dict(response.json())


def kinds(api: ApiClient, member: Member) -> list[int]:
    return [n["type"] for n in mine(api, member, "?count=100")["data"]]


def handle(name: str) -> str:
    return f"{name}@{get_settings().instance_host}"


def comment(api: ApiClient, member: Member, video_uuid: str, text: str) -> dict[str, Any]:
    made = api.post_json(f"/api/v1/videos/{video_uuid}/comment-threads", {"text": text}, member.token)
    assert made.status == 200, made.body
    return dict(made.json()["comment"])


def assert_problem(response: ApiResponse, status: int, field: str | None = None) -> None:
    assert response.status == status, response.body
    assert response.content_type.startswith("application/problem+json")
    if field is not None:
        assert field in response.json()["invalid-params"], response.json()


def test_a_comment_on_my_video_notifies_me_in_peertubes_shape(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    video = add_video(alice.account_id, alice.channel_id, "Alice's cats")
    made = comment(api, bob, video.uuid, "Nice cats")
    assert mine(api, alice)["total"] == 0  # made off the request path
    drain("work")

    listed = mine(api, alice)
    assert listed["total"] == 1
    assert_conforms("NotificationListResponse", listed)
    (notification,) = listed["data"]
    assert list(notification) == ["id", "type", "read", "comment", "createdAt", "updatedAt"]
    assert (notification["type"], notification["read"]) == (2, False)
    assert notification["comment"] == {
        "id": made["id"],
        "threadId": made["id"],
        "account": {
            "id": bob.account_id,
            "displayName": "bob",
            "name": "bob",
            "host": get_settings().instance_host,
            "avatars": [],
        },
        "video": {
            "id": int(video.id),
            "uuid": video.uuid,
            "shortUUID": notification["comment"]["video"]["shortUUID"],
            "name": "Alice's cats",
            "state": {"id": 1, "label": "Published"},
        },
        "heldForReview": False,
    }
    assert mine(api, bob)["total"] == 0  # nobody else hears of it, not even its author
    assert mine(api, alice, "?unread=true&count=0") == {"total": 1, "data": []}  # the bell's question

    # Commenting on one's own video notifies nobody.
    comment(api, alice, video.uuid, "Thanks")
    drain("work")
    assert mine(api, alice)["total"] == 1


def test_reading_marks_only_my_own(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    alices = add_video(alice.account_id, alice.channel_id, "alice's")
    bobs = add_video(bob.account_id, bob.channel_id, "bob's")
    for number in range(3):
        comment(api, mod, alices.uuid, f"comment {number}")
    comment(api, mod, bobs.uuid, "for bob")
    drain("work")
    alice_ids = [n["id"] for n in mine(api, alice)["data"]]
    (bob_id,) = [n["id"] for n in mine(api, bob)["data"]]
    assert len(alice_ids) == 3

    # Bob names alice's notifications: nothing of hers changes (PeerTube scopes the update to
    # the caller), and his stays unread too.
    assert api.post_json(f"{NOTIFICATIONS}/read", {"ids": alice_ids}, bob.token).status == 204
    assert mine(api, alice, "?unread=true")["total"] == 3
    assert mine(api, bob, "?unread=true")["total"] == 1

    assert api.post_json(f"{NOTIFICATIONS}/read", {"ids": [alice_ids[0], bob_id]}, alice.token).status == 204
    listed = mine(api, alice)
    assert [n["read"] for n in listed["data"]] == [True, False, False]  # newest first
    assert mine(api, alice, "?unread=true")["total"] == 2
    assert [n["id"] for n in mine(api, alice, "?unread=true")["data"]] == alice_ids[1:]
    assert mine(api, alice, "?unread=false")["total"] == 1
    assert mine(api, bob, "?unread=true")["total"] == 1
    # Marking again changes nothing.
    assert api.post_json(f"{NOTIFICATIONS}/read", {"ids": [alice_ids[0]]}, alice.token).status == 204
    assert mine(api, alice, "?unread=true")["total"] == 2

    assert api.post_json(f"{NOTIFICATIONS}/read-all", {}, alice.token).status == 204
    assert mine(api, alice, "?unread=true") == {"total": 0, "data": []}
    assert all(n["read"] for n in mine(api, alice)["data"])
    assert mine(api, alice)["total"] == 3
    assert mine(api, bob, "?unread=true")["total"] == 1  # bob's are his own

    # After "all read", a new one is unread, and the counts still add up.
    comment(api, mod, alices.uuid, "one more")
    drain("work")
    assert mine(api, alice, "?unread=true")["total"] == 1
    newest = mine(api, alice)["data"][0]
    assert newest["read"] is False and newest["comment"]["id"] not in alice_ids
    assert api.post_json(f"{NOTIFICATIONS}/read", {"ids": [newest["id"]]}, alice.token).status == 204
    assert mine(api, alice, "?unread=true")["total"] == 0


def test_sorts_and_filters(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    video = add_video(alice.account_id, alice.channel_id, "sorted")
    for number in range(4):
        comment(api, bob, video.uuid, f"comment {number}")
    assert api.post_json("/api/v1/users/me/subscriptions", {"uri": handle(alice.channel_name)}, bob.token).status == 204
    drain("work")
    newest_first = [n["id"] for n in mine(api, alice)["data"]]
    assert newest_first == sorted(newest_first, reverse=True) and len(newest_first) == 5
    assert [n["id"] for n in mine(api, alice, "?sort=createdAt")["data"]] == sorted(newest_first)
    assert [n["id"] for n in mine(api, alice, "?start=1&count=2")["data"]] == newest_first[1:3]
    api.post_json(f"{NOTIFICATIONS}/read", {"ids": newest_first[:2]}, alice.token)
    # PeerTube's getSort: unread (false) first, then ids ascending; "-read" the other way round.
    by_read = [(n["read"], n["id"]) for n in mine(api, alice, "?sort=read")["data"]]
    assert by_read == sorted(by_read)
    assert [n["read"] for n in mine(api, alice, "?sort=-read")["data"]] == [True, True, False, False, False]
    follows = mine(api, alice, "?typeOneOf=10")
    assert follows["total"] == 1 and follows["data"][0]["type"] == 10
    assert mine(api, alice, "?typeOneOf=2&typeOneOf=10")["total"] == 5


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?sort=id", "sort"),
        ("?sort=+createdAt", "sort"),
        ("?count=101", "count"),
        ("?count=-1", "count"),
        ("?start=x", "start"),
        ("?start=1990&count=20", "start"),
        ("?unread=null", "unread"),
        ("?typeOneOf=32", "typeOneOf"),
        ("?typeOneOf=a", "typeOneOf"),
    ],
)
def test_bad_list_queries_are_refused(api: ApiClient, people: dict[str, Member], query: str, field: str) -> None:
    assert_problem(api.get_as(f"{NOTIFICATIONS}{query}", people["alice"].token), 400, field)


@pytest.mark.parametrize(
    "body",
    [{}, {"ids": []}, {"ids": "1"}, {"ids": [1, "2"]}, {"ids": [True]}, {"ids": [0]}, {"ids": list(range(1, 102))}],
)
def test_bad_ids_are_refused(api: ApiClient, people: dict[str, Member], body: dict[str, Any]) -> None:
    assert_problem(api.post_json(f"{NOTIFICATIONS}/read", body, people["alice"].token), 400, "ids")


def test_without_a_token_nothing(api: ApiClient) -> None:
    assert_problem(api.get(NOTIFICATIONS), 401)
    assert_problem(api.post_json(f"{NOTIFICATIONS}/read", {"ids": [1]}), 401)
    assert_problem(api.post_json(f"{NOTIFICATIONS}/read-all", {}), 401)
    assert_problem(api.put_json("/api/v1/users/me/notification-settings", dict(DEFAULT_SETTINGS)), 401)


def test_settings_in_users_me_and_their_web_bit(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    me = api.get_as("/api/v1/users/me", alice.token).json()
    assert me["notificationSettings"] == dict(DEFAULT_SETTINGS)
    assert_conforms("UserNotificationSettings", me["notificationSettings"])
    first_three = ["newCommentOnMyVideo", "newVideoFromSubscription", "abuseAsModerator"]
    assert list(me["notificationSettings"])[:3] == first_three

    # Email only: nothing is stored for the web.
    changed = {**DEFAULT_SETTINGS, "newCommentOnMyVideo": 2, "newFollow": 0}
    assert api.put_json("/api/v1/users/me/notification-settings", changed, alice.token).status == 204
    assert api.get_as("/api/v1/users/me", alice.token).json()["notificationSettings"] == changed
    assert api.get_as("/api/v1/users/me", bob.token).json()["notificationSettings"] == dict(DEFAULT_SETTINGS)
    video = add_video(alice.account_id, alice.channel_id, "quiet")
    comment(api, bob, video.uuid, "hello")
    drain("work")
    assert mine(api, alice)["total"] == 0

    back = {**changed, "newCommentOnMyVideo": 3}
    assert api.put_json("/api/v1/users/me/notification-settings", back, alice.token).status == 204
    comment(api, bob, video.uuid, "hello again")
    drain("work")
    assert kinds(api, alice) == [2]


@pytest.mark.parametrize(
    "change",
    [{"newFollow": 4}, {"newFollow": "1"}, {"newFollow": True}, {"newFollow": None}, {"newFollow": 1.5}, "missing"],
)
def test_bad_settings_are_refused(api: ApiClient, people: dict[str, Member], change: Any) -> None:
    body: dict[str, Any] = dict(DEFAULT_SETTINGS)
    if change == "missing":
        del body["newFollow"]
    else:
        body.update(change)
    response = api.put_json("/api/v1/users/me/notification-settings", body, people["alice"].token)
    assert_problem(response, 400, "newFollow")
    me = api.get_as("/api/v1/users/me", people["alice"].token).json()
    assert me["notificationSettings"] == dict(DEFAULT_SETTINGS)  # nothing stored


def test_follows_mentions_and_mutes(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    assert api.post_json("/api/v1/users/me/subscriptions", {"uri": handle(alice.channel_name)}, bob.token).status == 204
    drain("work")
    listed = mine(api, alice)
    assert_conforms("NotificationListResponse", listed)
    (follow,) = listed["data"]
    assert follow["type"] == 10
    assert follow["actorFollow"]["state"] == "accepted"
    assert follow["actorFollow"]["follower"]["name"] == "bob"
    assert follow["actorFollow"]["following"] == {
        "type": "channel",
        "displayName": api.get(f"/api/v1/video-channels/{alice.channel_name}").json()["displayName"],
        "name": alice.channel_name,
        "host": get_settings().instance_host,
    }

    # A mention on someone else's video: the owner hears of the comment, alice of the mention.
    mods = add_video(mod.account_id, mod.channel_id, "mod's")
    comment(api, bob, mods.uuid, "@alice look at this")
    drain("work")
    assert kinds(api, alice) == [11, 10]
    assert kinds(api, mod) == [2]

    # Alice mutes bob: his comments on her video and his mentions of her reach her no more.
    blocked = api.post_json("/api/v1/users/me/blocklist/accounts", {"accountName": "bob"}, alice.token)
    assert blocked.status == 204, blocked.body
    alices = add_video(alice.account_id, alice.channel_id, "alice's")
    comment(api, bob, alices.uuid, "muted")
    comment(api, bob, mods.uuid, "@alice muted too")
    drain("work")
    assert kinds(api, alice) == [11, 10]


def test_moderators_hear_of_reports_and_reporters_of_decisions(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    video = add_video(alice.account_id, alice.channel_id, "reported")
    reported = api.post_json("/api/v1/abuses", {"reason": "It is spam", "video": {"id": int(video.id)}}, bob.token)
    assert reported.status == 200, reported.body
    abuse_id = reported.json()["abuse"]["id"]
    drain("work")
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    root_listed = api.get_as(NOTIFICATIONS, root).json()["data"]
    for listed in (root_listed, mine(api, mod)["data"]):
        assert [n["type"] for n in listed] == [3]
        assert listed[0]["abuse"] == {
            "id": abuse_id,
            "state": 1,
            "video": {
                "id": int(video.id),
                "uuid": video.uuid,
                "shortUUID": listed[0]["abuse"]["video"]["shortUUID"],
                "name": "reported",
                "state": {"id": 1, "label": "Published"},
            },
        }
    assert kinds(api, alice) == [] and kinds(api, bob) == []

    assert api.put_json(f"/api/v1/abuses/{abuse_id}", {"state": 3}, mod.token).status == 204
    drain("work")
    (decided,) = mine(api, bob)["data"]
    assert decided["type"] == 15 and decided["abuse"]["state"] == 3

    # Messages: the reporter's go to the moderators, a moderator's to the reporter.
    assert api.post_json(f"/api/v1/abuses/{abuse_id}/messages", {"message": "Any news?"}, bob.token).status == 200
    assert api.post_json(f"/api/v1/abuses/{abuse_id}/messages", {"message": "Done."}, mod.token).status == 200
    drain("work")
    assert kinds(api, mod) == [16, 3]
    assert kinds(api, bob) == [16, 15]


def test_sign_ups_notify_those_who_manage_users(
    api: ApiClient, people: dict[str, Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CIRRUS_SIGNUP_ENABLED", "true")
    monkeypatch.setenv("CIRRUS_SIGNUP_REQUIRES_APPROVAL", "false")
    get_settings.cache_clear()
    body = {"username": "newcomer", "password": "newcomer password", "email": "newcomer@example.org"}
    assert api.post_json("/api/v1/users/register", body).status == 204
    drain("work")
    (signed_up,) = mine(api, people["mod"])["data"]
    assert signed_up["type"] == 9 and signed_up["account"]["name"] == "newcomer"
    assert kinds(api, people["alice"]) == []


def _subscribers(api: ApiClient, root: str, channel: str, how_many: int) -> list[Member]:
    members = []
    for number in range(how_many):
        member = make_member(api, root, f"fan{number}")
        subscribed = api.post_json("/api/v1/users/me/subscriptions", {"uri": handle(channel)}, member.token)
        assert subscribed.status == 204
        members.append(member)
    return members


def test_a_new_video_reaches_every_subscriber_once_page_by_page(
    api: ApiClient, people: dict[str, Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = people["alice"]
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    fans = _subscribers(api, root, alice.channel_name, 5)
    drain("work")  # alice's NEW_FOLLOW notifications
    monkeypatch.setattr(tasks, "FANOUT_PAGE", 2)
    video = add_video(alice.account_id, alice.channel_id, "premiere")
    events.emit(events.VideoPublished(video))  # what the transcoder emits at publication
    assert drain("work") == 3  # 5 subscribers, 2 a page: 3 messages, each queueing the next

    for fan in fans:
        listed = mine(api, fan)
        assert_conforms("NotificationListResponse", listed)
        (news,) = listed["data"]
        assert news["type"] == 1
        assert news["video"]["name"] == "premiere"
        assert news["video"]["channel"]["name"] == alice.channel_name
    assert kinds(api, alice)[0] == 6  # MY_VIDEO_PUBLISHED
    assert kinds(api, alice).count(6) == 1

    # Every message of the fan-out delivered again (same message id: a redelivery after a
    # crash) or sent again (another id: a continuation sent twice): nobody hears twice.
    for page in range(3):
        task = {"task": tasks.TASK, "what": "new-video", "video": int(video.id), "owner": True, "page": page}
        if page:
            task["cursor"] = None  # the cursor does not matter: the page is taken
        tasks.run(task, f"other-message-{page}", datetime.now(UTC))
    first = {"task": tasks.TASK, "what": "new-video", "video": int(video.id), "owner": True}
    claimed = _page_claim_owner(int(video.id), 0)
    tasks.run(first, claimed, datetime.now(UTC))  # the same message again
    drain("work")
    for fan in fans:
        assert kinds(api, fan) == [1]
    assert kinds(api, alice).count(6) == 1


def _page_claim_owner(video_id: int, page: int) -> str:
    from chalicelib.store import keys
    from chalicelib.store.models import Claim

    return str(Claim.get(keys.claim_pk(keys.NOTIFY_PAGE, f"video-{video_id}:{page}"), keys.CLAIM_SK).target)


def test_a_redelivered_page_creates_no_duplicate(api: ApiClient, people: dict[str, Member]) -> None:
    """The page's message delivered again after some of its notifications were made: the marks
    written with them keep each user to one."""
    alice = people["alice"]
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    fans = _subscribers(api, root, alice.channel_name, 3)
    drain("work")
    video = add_video(alice.account_id, alice.channel_id, "again")
    task = {"task": tasks.TASK, "what": "new-video", "video": int(video.id)}
    for _ in range(3):
        tasks.run(task, "the-same-message", datetime.now(UTC))
    for fan in fans:
        assert kinds(api, fan) == [1]
    counts = Counter(n["type"] for n in mine(api, alice)["data"])
    assert counts == {10: 3}  # a video made public later notifies subscribers, not its owner


def test_private_videos_notify_no_subscriber(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    api.post_json("/api/v1/users/me/subscriptions", {"uri": handle(alice.channel_name)}, bob.token)
    video = add_video(alice.account_id, alice.channel_id, "secret", privacy=3)
    events.emit(events.VideoPublished(video))
    drain("work")
    assert kinds(api, bob) == []
    assert kinds(api, alice) == [6, 10]


def _calls(api: ApiClient, member: Member, query: str) -> tuple[int, dict[str, int]]:
    """The list's total, and the DynamoDB calls it took (counted on the client in use now: the
    work function's set-up binds the table again)."""
    from chalicelib.store.models import TableItem

    calls: Counter[str] = Counter()
    client = TableItem._get_connection().connection.client

    def count(model: Any, **_: Any) -> None:
        calls[model.name] += 1

    client.meta.events.register("before-call.dynamodb", count)
    try:
        total = mine(api, member, query)["total"]
    finally:
        client.meta.events.unregister("before-call.dynamodb", count)
    return total, dict(calls)


def test_listing_costs_the_same_whatever_the_number(api: ApiClient, people: dict[str, Member]) -> None:
    alice, mod = people["alice"], people["mod"]  # moderators are not rate-limited
    video = add_video(alice.account_id, alice.channel_id, "busy")
    seen = []
    for total, new in ((1, 1), (31, 30)):
        for number in range(new):
            comment(api, mod, video.uuid, f"comment {number}")
        drain("work")
        page, page_calls = _calls(api, alice, "?count=100")
        bell, bell_calls = _calls(api, alice, "?unread=true&count=0")
        unread, unread_calls = _calls(api, alice, "?unread=true&count=10")
        assert page == bell == unread == total
        seen.append((page_calls, bell_calls, unread_calls))
    assert seen[0] == seen[1]
    # The token, the user, the counts; and one Query for a page.
    assert seen[1] == ({"GetItem": 3, "Query": 1}, {"GetItem": 3}, {"GetItem": 3, "Query": 1})


def test_the_pushed_document_is_the_listed_one(api: ApiClient, people: dict[str, Member]) -> None:
    from chalicelib.store import realtime

    pushed: list[tuple[int, str, Any]] = []

    def record(user_id: int, event: str, payload: Any = None) -> realtime.Delivery:
        pushed.append((user_id, event, json.loads(json.dumps(payload))))
        return realtime.Delivery(0, 0)

    alice, bob = people["alice"], people["bob"]
    video = add_video(alice.account_id, alice.channel_id, "live news")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(realtime, "publish_to_user", record)
        patch.setattr(realtime, "pusher", object)  # a WebSocket API is configured
        comment(api, bob, video.uuid, "pushed")
        drain("work")
    me = api.get_as("/api/v1/users/me", alice.token).json()
    assert pushed == [(me["id"], "new-notification", mine(api, alice)["data"][0])]


def test_moderators_are_whoever_has_the_role_now(api: ApiClient, people: dict[str, Member]) -> None:
    """The staff list follows role changes: a promoted user hears of reports, a demoted one no more."""
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    alice_id = api.get_as("/api/v1/users/me", alice.token).json()["id"]
    mod_id = api.get_as("/api/v1/users/me", mod.token).json()["id"]
    assert api.put_json(f"/api/v1/users/{alice_id}", {"role": 1}, root).status == 204
    assert api.put_json(f"/api/v1/users/{mod_id}", {"role": 2}, root).status == 204
    # A role change ends the user's sessions: log in again.
    alice = Member(api.login("alice", "alice password")["access_token"], alice.account_id, 0, "")
    mod = Member(api.login("moddy", "moddy password")["access_token"], mod.account_id, 0, "")
    video = add_video(bob.account_id, bob.channel_id, "reported again")
    report = {"reason": "It is spam", "video": {"id": int(video.id)}}
    assert api.post_json("/api/v1/abuses", report, mod.token).status == 200
    drain("work")
    assert kinds(api, alice) == [3]
    assert kinds(api, mod) == []


def test_a_private_video_made_public_through_the_api_notifies_its_subscribers_once(
    api: ApiClient, people: dict[str, Member]
) -> None:
    alice = people["alice"]
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    (fan,) = _subscribers(api, root, alice.channel_name, 1)
    drain("work")
    video = add_video(alice.account_id, alice.channel_id, "Kept back", privacy=3)
    assert api.put_json(f"/api/v1/videos/{video.uuid}", {"name": "Kept back, now out"}, alice.token).status == 204
    drain("work")
    assert kinds(api, fan) == []  # still private
    assert api.put_json(f"/api/v1/videos/{video.uuid}", {"privacy": 1}, alice.token).status == 204
    assert api.put_json(f"/api/v1/videos/{video.uuid}", {"name": "Out for good"}, alice.token).status == 204
    drain("work")
    assert kinds(api, fan) == [1]


def test_a_video_published_again_after_its_file_was_replaced_notifies_nobody(
    api: ApiClient, people: dict[str, Member]
) -> None:
    alice = people["alice"]
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    _subscribers(api, root, alice.channel_name, 1)
    drain("work")
    before = kinds(api, alice)
    replaced = add_video(alice.account_id, alice.channel_id, "recut", input_file_updated_at=datetime.now(UTC))
    events.emit(events.VideoPublished(replaced))  # PeerTube's isNewVideo is false for a new file
    assert drain("work") == 0
    assert kinds(api, alice) == before
