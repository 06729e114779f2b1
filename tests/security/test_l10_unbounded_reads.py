"""L10: lists read more than the page they answer. A comment-thread list with `count=0` read
every thread of the video, a large `start` read `start + count` items, and an account's
ratings were read whole before paging. Pages now read at most `start + count` items, that
window is bounded (400 past it), and `count=0` (PeerTube's "no LIMIT") is a full page at most."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.api.request import MAX_READ_WINDOW
from chalicelib.domain.ratings import rate_as
from chalicelib.store import comments, counters
from chalicelib.store.models import TableItem
from tests.api_client import ApiClient
from tests.members import Member
from tests.video_seed import add_video

THREADS = 130


@pytest.fixture
def items_returned(api: ApiClient) -> Iterator[list[int]]:
    """How many items each DynamoDB Query returned while the test ran."""
    returned: list[int] = []
    client = TableItem._get_connection().connection.client

    def count(parsed: dict[str, Any], **_: Any) -> None:
        returned.append(len(parsed.get("Items", [])))

    client.meta.events.register("after-call.dynamodb.Query", count)
    yield returned
    client.meta.events.unregister("after-call.dynamodb.Query", count)


def _threads(video: Any, number: int) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(number):
        comment_id = counters.next_id("comment")
        comment = comments.new_comment(
            video, comment_id=comment_id, thread_id=comment_id, in_reply_to_id=None,
            account_id=int(video.account_id), text=f"thread {n}", url=f"{video.url}/comments/{comment_id}",
            held=False, now=now + timedelta(seconds=n),
        )  # fmt: skip
        assert comments.add_comment(comment, video, by_video_author=True)


def test_count_zero_reads_a_page_not_every_thread(
    api: ApiClient, people: dict[str, Member], items_returned: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.store import catalog

    monkeypatch.setattr(catalog, "FOLLOW_INTERVAL", 3600.0)
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "Popular")
    _threads(video, THREADS)
    catalog.current()  # the catalogue has read its changes: only the page's reads are counted
    items_returned.clear()
    page = api.get(f"/api/v1/videos/{video.uuid}/comment-threads?count=0").json()
    assert page["total"] == THREADS
    assert len(page["data"]) == 100
    assert sum(items_returned) <= 100 + 5, items_returned  # the page, and the totals' few reads


def test_a_start_past_the_read_window_is_refused(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "Popular")
    response = api.get(f"/api/v1/videos/{video.uuid}/comment-threads?start={MAX_READ_WINDOW}&count=10")
    assert response.status == 400
    assert "start" in response.json()["invalid-params"]
    response = api.get_as(f"/api/v1/accounts/alice/ratings?start={MAX_READ_WINDOW}", alice.token)
    assert response.status == 400
    assert api.get(f"/api/v1/videos/{video.uuid}/comment-threads?start={MAX_READ_WINDOW - 100}&count=100").status == 200


def test_account_ratings_read_the_page_not_every_rating(
    api: ApiClient, people: dict[str, Member], items_returned: list[int]
) -> None:
    bob, alice = people["bob"], people["alice"]
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(40):
        video = add_video(alice.account_id, alice.channel_id, f"Clip {n}")
        rate_as(video, bob.account_id, "like", now + timedelta(seconds=n))
    items_returned.clear()
    page = api.get_as("/api/v1/accounts/bob/ratings?start=2&count=3", bob.token).json()
    assert page["total"] == 40
    assert [r["video"]["name"] for r in page["data"]] == ["Clip 37", "Clip 36", "Clip 35"]
    assert sum(items_returned) <= 5 + 5, items_returned  # start + count rates, and the few reads around them
