"""PeerTube's rules for what makes a view, and the trending window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain import trending
from chalicelib.domain.views import Ping, advance, enough_watched, read_ping
from chalicelib.errors import ValidationError
from chalicelib.store.models import ViewBucket, Watch

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("watched", "duration", "counts"),
    [(9.9, 300, False), (10, 300, True), (10, 0, True), (3, 6, False), (3.5, 6, True), (2, 3, True)],
)
def test_enough_watched(watched: float, duration: int, counts: bool) -> None:
    assert enough_watched(watched, duration) is counts


def watch_at(position: float, watched: float, seconds_ago: float) -> Watch:
    return Watch(last_time=position, watch_time=watched, updated_at=NOW - timedelta(seconds=seconds_ago))


def test_pings_add_what_was_played_and_the_clock_allows() -> None:
    watch = watch_at(10, 0, seconds_ago=4)
    advance(watch, Ping(14, seek=False, session_id=None), NOW)
    assert (watch.watch_time, watch.last_time) == (4, 14)
    jump = watch_at(0, 0, seconds_ago=1)
    advance(jump, Ping(3000, seek=False, session_id=None), NOW)
    assert jump.watch_time == 1 * 4 + 5  # four times the clock, plus slack
    back = watch_at(50, 7, seconds_ago=4)
    advance(back, Ping(20, seek=False, session_id=None), NOW)
    assert (back.watch_time, back.last_time) == (7, 20)  # a new section starts
    seek = watch_at(10, 7, seconds_ago=4)
    advance(seek, Ping(12, seek=True, session_id=None), NOW)
    assert seek.watch_time == 7


def test_read_ping_reads_numbers_as_peertube() -> None:
    assert read_ping({"currentTime": "12.5"}).position == 12  # parseInt
    assert read_ping({"currentTime": 3.0, "viewEvent": "seek"}) == Ping(3, True, None)
    with pytest.raises(ValidationError):
        read_ping({"currentTime": True})


def bucket(video_id: int, hours_ago: int, views: int) -> ViewBucket:
    hour = (NOW - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H")
    return ViewBucket(video_id=video_id, hour=hour, views=views)


def test_trending_sums_the_last_seven_days() -> None:
    buckets = [bucket(1, 0, 3), bucket(1, 24 * 7, 2), bucket(1, 24 * 7 + 1, 100), bucket(2, 5, 1)]
    assert trending.scores(buckets, NOW) == {1: 5, 2: 1}
    assert trending.changes({1: 5, 2: 0, 3: 9}, {1: 5, 2: 1}) == {2: 1, 3: 0}
    assert trending.window_days(NOW)[0] == "2026-05-25" and trending.window_days(NOW)[-1] == "2026-06-01"
