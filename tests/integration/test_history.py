"""Watch history (PeerTube's users/me/history/videos): the player's pings of a logged-in user
move one entry per video forward, while the user's videosHistoryEnabled is on; the list is
newest first and only of videos the user may still see; userHistory resumes the player;
excludeAlreadyWatched leaves watched videos out of lists."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.integration.test_views import Clock
from tests.members import Member
from tests.openapi import VIDEO_NULLS, assert_conforms
from tests.video_seed import add_video

HISTORY = "/api/v1/users/me/history/videos"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The pings' clock (views and history)."""
    import chalicelib.api.views

    moments = Clock()
    monkeypatch.setattr(chalicelib.api.views, "utcnow", moments)
    return moments


def ping(api: ApiClient, video: Any, position: int, token: str | None, session: str = "s1", **extra: Any) -> None:
    body = {"currentTime": position, "sessionId": session, **extra}
    answer = api.post_json(f"/api/v1/videos/{video.uuid}/views", body, token)
    assert answer.status == 204, answer.body


def play(api: ApiClient, clock: Clock, video: Any, token: str, until: int, session: str = "s1") -> None:
    """Play from 0 to `until`, pinging every 5 seconds as the web player does."""
    for position in range(0, until + 1, 5):
        ping(api, video, position, token, session)
        clock.advance(5)


def names(page: Any) -> list[str]:
    return [video["name"] for video in page.json()["data"]]


def resume_at(api: ApiClient, video: Any, token: str | None) -> Any:
    return api.get_as(f"/api/v1/videos/{video.uuid}", token).json().get("userHistory")


def test_pings_make_a_history(api: ApiClient, people: dict[str, Member], clock: Clock) -> None:
    alice, bob = people["alice"], people["bob"]
    first = add_video(alice.account_id, alice.channel_id, "first lesson", duration=300)
    second = add_video(alice.account_id, alice.channel_id, "second lesson", duration=300)
    add_video(alice.account_id, alice.channel_id, "never watched", duration=300)

    play(api, clock, first, bob.token, 40)
    clock.advance(60)
    play(api, clock, second, bob.token, 20, session="s2")
    listed = api.get_as(HISTORY, bob.token)
    assert listed.status == 200, listed.body
    assert listed.json()["total"] == 2
    assert names(listed) == ["second lesson", "first lesson"]  # last watched first
    assert_conforms("VideoListResponse", {"total": 2, "data": []})
    for video in listed.json()["data"]:
        assert_conforms("Video", video, known_deviations=VIDEO_NULLS)

    # The player resumes there: pings are written at most every 10 s, so within 10 s of the end.
    details = api.get_as(f"/api/v1/videos/{first.uuid}", bob.token).json()
    assert_conforms("VideoDetails", details, known_deviations=VIDEO_NULLS)
    at = resume_at(api, first, bob.token)
    assert set(at) == {"currentTime"} and 30 <= at["currentTime"] <= 40
    assert resume_at(api, first, None) is None  # nobody to resume for
    assert resume_at(api, first, alice.token) is None  # alice never watched it
    assert api.get_as(HISTORY, alice.token).json() == {"total": 0, "data": []}

    # A seek is written at once.
    ping(api, first, 250, bob.token, viewEvent="seek")
    assert resume_at(api, first, bob.token) == {"currentTime": 250}
    assert names(api.get_as(HISTORY, bob.token)) == ["first lesson", "second lesson"]

    assert names(api.get_as(f"{HISTORY}?search=second", bob.token)) == ["second lesson"]
    paged = api.get_as(f"{HISTORY}?start=1&count=1", bob.token).json()
    assert paged["total"] == 2 and [v["name"] for v in paged["data"]] == ["second lesson"]
    assert api.get_as(f"{HISTORY}?count=-1", bob.token).status == 400
    assert names(api.get_as(f"{HISTORY}?sort=name", bob.token)) == ["first lesson", "second lesson"]  # ignored
    assert api.get(HISTORY).status == 401

    # Anonymous pings record nothing.
    ping(api, second, 5, None, session="anon")
    assert api.get_as(HISTORY, bob.token).json()["total"] == 2


def test_turning_history_off_stops_recording_and_keeps_it(
    api: ApiClient, people: dict[str, Member], clock: Clock
) -> None:
    alice, bob = people["alice"], people["bob"]
    kept = add_video(alice.account_id, alice.channel_id, "kept", duration=300)
    unrecorded = add_video(alice.account_id, alice.channel_id, "unrecorded", duration=300)
    assert api.get_as("/api/v1/users/me", bob.token).json()["videosHistoryEnabled"] is True  # PeerTube's default
    play(api, clock, kept, bob.token, 10)
    assert api.put_json("/api/v1/users/me", {"videosHistoryEnabled": False}, bob.token).status == 204
    assert api.get_as("/api/v1/users/me", bob.token).json()["videosHistoryEnabled"] is False
    play(api, clock, unrecorded, bob.token, 30, session="s2")
    play(api, clock, kept, bob.token, 30, session="s3")
    assert names(api.get_as(HISTORY, bob.token)) == ["kept"]
    assert resume_at(api, kept, bob.token) == {"currentTime": 10}
    assert resume_at(api, unrecorded, bob.token) is None
    assert api.put_json("/api/v1/users/me", {"videosHistoryEnabled": "yes"}, bob.token).status == 400

    assert api.put_json("/api/v1/users/me", {"videosHistoryEnabled": True}, bob.token).status == 204
    play(api, clock, unrecorded, bob.token, 5, session="s4")
    assert names(api.get_as(HISTORY, bob.token)) == ["unrecorded", "kept"]


def test_removing_from_the_history(api: ApiClient, people: dict[str, Member], clock: Clock) -> None:
    alice, bob = people["alice"], people["bob"]
    videos = [add_video(alice.account_id, alice.channel_id, f"video {n}", duration=300) for n in range(4)]
    for n, video in enumerate(videos):
        play(api, clock, video, bob.token, 5, session=f"s{n}")
        clock.advance(3600)
    play(api, clock, videos[0], alice.token, 5, session="alice")
    assert names(api.get_as(HISTORY, bob.token)) == ["video 3", "video 2", "video 1", "video 0"]

    assert api.delete_as(f"{HISTORY}/{videos[2].id}", bob.token).status == 204
    assert api.delete_as(f"{HISTORY}/{videos[2].id}", bob.token).status == 204  # already gone: fine
    assert api.delete_as(f"{HISTORY}/abc", bob.token).status == 400
    assert api.delete_as(f"{HISTORY}/{videos[0].id}", None).status == 401
    assert names(api.get_as(HISTORY, bob.token)) == ["video 3", "video 1", "video 0"]

    # Before a date: what was watched before it goes, the rest stays.
    listed = api.get_as(HISTORY, bob.token).json()["data"]
    assert len(listed) == 3
    cut = videos[1]
    before = _watched_at(bob, cut)
    answer = api.post_json(f"{HISTORY}/remove", {"beforeDate": before}, bob.token)
    assert answer.status == 204, answer.body
    assert names(api.get_as(HISTORY, bob.token)) == ["video 3", "video 1"]
    for bad in ({"beforeDate": "yesterday"}, {"beforeDate": 12}, {"beforeDate": "2026-06-01T00:00:00"}):
        assert api.post_json(f"{HISTORY}/remove", bad, bob.token).status == 400
    form = api.post_form(f"{HISTORY}/remove", {"beforeDate": "2000-01-01T00:00:00Z"}, bob.token)
    assert form.status == 204
    assert api.get_as(HISTORY, bob.token).json()["total"] == 2

    assert api.post_json(f"{HISTORY}/remove", {}, bob.token).status == 204
    assert api.get_as(HISTORY, bob.token).json() == {"total": 0, "data": []}
    assert names(api.get_as(HISTORY, alice.token)) == ["video 0"]  # another user's history stays


def _watched_at(member: Member, video: Any) -> str:
    from chalicelib.store import history

    user_id = _user_id(member)
    entry = history.find_entry(user_id, int(video.id))
    assert entry is not None
    return entry.updated_at.isoformat()


def _user_id(member: Member) -> int:
    from chalicelib.store import actors

    account = actors.get_actor(member.account_id)
    assert account is not None
    return int(account.user_id)


def test_videos_the_user_may_no_longer_see_leave_the_history(
    api: ApiClient, people: dict[str, Member], clock: Clock
) -> None:
    alice, bob = people["alice"], people["bob"]
    hidden = add_video(alice.account_id, alice.channel_id, "soon private", duration=300)
    gone = add_video(alice.account_id, alice.channel_id, "soon deleted", duration=300)
    stays = add_video(alice.account_id, alice.channel_id, "stays", duration=300)
    for n, video in enumerate((hidden, gone, stays)):
        play(api, clock, video, bob.token, 10, session=f"s{n}")
    assert api.get_as(HISTORY, bob.token).json()["total"] == 3

    assert api.put_json(f"/api/v1/videos/{hidden.id}", {"privacy": 3}, alice.token).status == 204
    assert api.delete_as(f"/api/v1/videos/{gone.id}", alice.token).status == 204
    listed = api.get_as(HISTORY, bob.token).json()
    assert listed["total"] == 1 and [v["name"] for v in listed["data"]] == ["stays"]
    assert api.get_as(f"{HISTORY}?search=soon", bob.token).json() == {"total": 0, "data": []}


def test_exclude_already_watched(api: ApiClient, people: dict[str, Member], clock: Clock) -> None:
    alice, bob = people["alice"], people["bob"]
    watched = add_video(alice.account_id, alice.channel_id, "watched one", duration=300, minutes=1)
    add_video(alice.account_id, alice.channel_id, "fresh one", duration=300, minutes=2)
    play(api, clock, watched, bob.token, 5)
    lists = [
        "/api/v1/videos",
        f"/api/v1/accounts/{_account_name(api, alice)}/videos",
        f"/api/v1/video-channels/{alice.channel_name}/videos",
        "/api/v1/search/videos?search=one",
    ]
    for path in lists:
        joiner = "&" if "?" in path else "?"
        assert sorted(names(api.get_as(path, bob.token))) == ["fresh one", "watched one"], path
        excluded = api.get_as(f"{path}{joiner}excludeAlreadyWatched=true", bob.token)
        assert names(excluded) == ["fresh one"], path
        assert excluded.json()["total"] == 1
        assert sorted(names(api.get_as(f"{path}{joiner}excludeAlreadyWatched=false", bob.token))) == [
            "fresh one",
            "watched one",
        ]
        assert api.get(f"{path}{joiner}excludeAlreadyWatched=true").status == 400, path
        assert api.get_as(f"{path}{joiner}excludeAlreadyWatched=null", bob.token).status == 400, path
    # Alice watched nothing: her lists are whole.
    assert len(names(api.get_as("/api/v1/videos?excludeAlreadyWatched=true", alice.token))) == 2


def _account_name(api: ApiClient, member: Member) -> str:
    return str(api.get_as("/api/v1/users/me", member.token).json()["account"]["name"])


def test_a_ping_costs_constant_calls_and_at_most_one_more_write(
    api: ApiClient, people: dict[str, Member], clock: Clock, dynamodb_calls: Counter[str]
) -> None:
    alice, bob = people["alice"], people["bob"]
    video = add_video(alice.account_id, alice.channel_id, "measured", duration=600)

    def calls_of_ping(position: int, token: str | None, session: str = "s1", **extra: Any) -> dict[str, int]:
        dynamodb_calls.clear()
        ping(api, video, position, token, session, **extra)
        assert "Scan" not in dynamodb_calls
        # The catalogue's follow-up Query comes now and then whoever asks: left out.
        return {name: n for name, n in dynamodb_calls.items() if name != "Query"}

    anonymous = calls_of_ping(0, None, "anon")
    first = calls_of_ping(0, bob.token)
    clock.advance(5)
    throttled = calls_of_ping(5, bob.token)
    clock.advance(5)
    written = calls_of_ping(10, bob.token)
    # A logged-in ping reads the token and the user; the history adds one PutItem, and only
    # when due (the first ping, then every 10 s).
    assert first.get("PutItem", 0) == anonymous.get("PutItem", 0) + 1
    assert throttled.get("PutItem", 0) == anonymous.get("PutItem", 0)
    assert written == first
    assert sum(first.values()) <= 7  # token, user, video and its files, watch; the watch's and history's writes

    # A long history costs the ping nothing more.
    for n in range(30):
        other = add_video(alice.account_id, alice.channel_id, f"other {n}", duration=60)
        ping(api, other, 0, bob.token, f"o{n}")
    clock.advance(10)
    assert calls_of_ping(20, bob.token) == first
    print("ping calls", {"anonymous": anonymous, "logged in, history due": first, "throttled": throttled})


@pytest.fixture
def no_deletion_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    """A deleted user goes at once (list it before `api`)."""
    monkeypatch.setenv("CIRRUS_DELETION_GRACE_SECONDS", "0")


def test_a_deleted_user_leaves_no_history(
    no_deletion_grace: None, api: ApiClient, people: dict[str, Member], clock: Clock
) -> None:
    from chalicelib.store import history
    from tests.queue_runner import drain

    alice, bob = people["alice"], people["bob"]
    watched = [add_video(alice.account_id, alice.channel_id, f"watched {n}", duration=60) for n in range(3)]
    for n, video in enumerate(watched):
        ping(api, video, 5, bob.token, f"s{n}")
    bob_id = _user_id(bob)
    assert len(history.list_entries(bob_id)) == 3
    assert api.delete_as("/api/v1/users/me", bob.token).status == 204
    drain("work")
    assert history.list_entries(bob_id) == []
