"""The statistics' pure rules: user agents read into families, watch sections as PeerTube
keeps them (with the clock's limit), retention points, and PeerTube's timeseries grouping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain import user_agents, watch_sections
from chalicelib.domain.video_stats import grouping, truncated
from chalicelib.store.models import Watch

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", ("Firefox", "desktop", "Linux")),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            ("Edge", "desktop", "Windows"),
        ),
        (
            "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.5 Mobile/15E148 Safari/604.1",
            ("Safari", "tablet", "iOS"),
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0 Safari/537.36",
            ("Chrome", "tablet", "Android"),
        ),
        ("Mozilla/5.0 (PlayStation 5 3.20) AppleWebKit/605.1.15 (KHTML, like Gecko)", (None, "console", None)),
        ("", (None, "desktop", None)),
    ],
)
def test_user_agents_are_read_into_families(header: str, expected: tuple[str | None, str, str | None]) -> None:
    parsed = user_agents.parse(header)
    assert (parsed.client, parsed.device, parsed.operating_system) == expected


def test_what_the_player_says_wins_when_valid() -> None:
    header = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    said = user_agents.described(header, "Firefox Nightly", "smarttv", None)
    assert (said.client, said.device, said.operating_system) == ("Firefox Nightly", "smarttv", "Linux")
    assert user_agents.described(header, None, "toaster", None).device == "desktop"


def _watch(position: float) -> Watch:
    return Watch("pk", "sk", video_id=1, last_time=position, updated_at=T0, sections=[position, position])


def test_sections_follow_pings_seeks_and_the_clock() -> None:
    watch = _watch(0)
    watch_sections.extend(watch, 5, False, T0 + timedelta(seconds=5))
    watch.updated_at = T0 + timedelta(seconds=5)
    watch_sections.extend(watch, 500, False, T0 + timedelta(seconds=6))  # further than 1 s allows
    watch.updated_at = T0 + timedelta(seconds=6)
    assert watch_sections.pairs(watch.sections) == [(0, 14)]  # 5 + (1 s x 4 + 5 s)
    watch_sections.extend(watch, 40, True, T0 + timedelta(seconds=7))  # a seek opens a section
    watch_sections.extend(watch, 2, False, T0 + timedelta(seconds=8))  # before its start: another
    assert watch_sections.pairs(watch.sections) == [(0, 14), (40, 40), (2, 2)]
    assert watch_sections.watch_time(watch.sections) == 14


def test_sections_stop_at_a_hundred() -> None:
    watch = _watch(0)
    for position in range(200):  # a seek each time: a new section each
        watch_sections.extend(watch, position, True, T0)
    assert len(watch_sections.pairs(watch.sections)) == watch_sections.MAX_SECTIONS


def test_retention_points_are_peertubes_steps() -> None:
    assert watch_sections.retention_step(6) == 1
    assert watch_sections.retention_step(1000) == 10
    assert watch_sections.retention_points([0, 1, 4, 5], 6) == {0, 1, 4, 5}
    assert watch_sections.retention_points([15, 34], 1000) == {20, 30}
    assert watch_sections.retention_points([990, 1000], 1000) == {990, 1000}


@pytest.mark.parametrize(
    ("length", "label"),
    [
        (timedelta(minutes=179), "1 minute"),
        (timedelta(hours=3), "10 minutes"),
        (timedelta(hours=15), "1 hour"),
        (timedelta(days=4), "6 hours"),
        (timedelta(days=8), "12 hours"),
        (timedelta(days=15), "1 day"),
        (timedelta(days=62), "2 days"),
        (timedelta(days=186), "7 days"),
        (timedelta(days=730), "1 month"),
        (timedelta(days=2190), "6 months"),
    ],
)
def test_grouping_follows_peertubes_thresholds(length: timedelta, label: str) -> None:
    assert grouping(T0, T0 + length).label == label


def test_the_start_is_truncated_to_the_grouping() -> None:
    moment = datetime(2026, 6, 17, 13, 47, 31, tzinfo=UTC)
    assert truncated(moment, grouping(moment, moment + timedelta(hours=1))) == moment.replace(second=0)
    assert truncated(moment, grouping(moment, moment + timedelta(days=2))) == moment.replace(minute=0, second=0)
    assert truncated(moment, grouping(moment, moment + timedelta(days=20))) == datetime(2026, 6, 17, tzinfo=UTC)
    assert truncated(moment, grouping(moment, moment + timedelta(days=800))) == datetime(2026, 6, 1, tzinfo=UTC)
