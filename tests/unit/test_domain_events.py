"""domain/events.py: subscribers run in order, a failing one is logged and counted without
stopping the others or the change, and an event nobody subscribed to does nothing."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from chalicelib.domain import events
from chalicelib.observability import metrics
from chalicelib.store.models import Video


@pytest.fixture(autouse=True)
def no_subscribers() -> Iterator[None]:
    with events.isolated():
        yield


def a_video(video_id: int = 7) -> Video:
    return Video(pk=f"VIDEO#{video_id}", sk="VIDEO", id=video_id, uuid="u", name="v")


def failures() -> int:
    found = metrics.metric_set.get(events.FAILURES_METRIC)
    return len(found["Value"]) if found else 0


def logged(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "cirrus"]


def test_subscribers_run_in_the_order_they_subscribed() -> None:
    calls: list[str] = []
    events.subscribe(events.VideoRemoved, lambda e: calls.append(f"first {e.video.id}"))
    events.subscribe(events.VideoRemoved, lambda e: calls.append(f"second {e.video.id}"))
    events.emit(events.VideoRemoved(a_video()))
    assert calls == ["first 7", "second 7"]


def test_only_the_subscribers_of_the_event_type_run() -> None:
    calls: list[object] = []
    events.subscribe(events.VideoPublished, calls.append)
    events.emit(events.VideoRemoved(a_video()))
    assert calls == []


def test_subscribing_twice_runs_once() -> None:
    calls: list[object] = []
    events.subscribe(events.VideoPublished, calls.append)
    events.subscribe(events.VideoPublished, calls.append)
    events.emit(events.VideoPublished(a_video()))
    assert len(calls) == 1


def test_no_subscriber_no_effect(caplog: pytest.LogCaptureFixture) -> None:
    before = failures()
    events.emit(events.VideoPublished(a_video()))
    assert failures() == before
    assert logged(caplog) == []


def broken(event: events.VideoPublished) -> None:
    raise RuntimeError(f"queue down for {event.video.id}")


def test_a_failing_subscriber_is_logged_and_counted_and_the_next_still_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[object] = []
    events.subscribe(events.VideoPublished, broken)
    events.subscribe(events.VideoPublished, calls.append)
    before = failures()
    events.emit(events.VideoPublished(a_video(9)))  # does not raise
    assert len(calls) == 1
    assert failures() == before + 1
    (record,) = logged(caplog)
    assert (record.levelname, record.getMessage()) == ("ERROR", "event subscriber failed")
    assert record.event == "VideoPublished"
    assert record.subscriber == f"{__name__}.broken"
    assert record.exc_info is not None
    assert str(record.exc_info[1]) == "queue down for 9"


def test_a_skipping_subscriber_is_logged_at_info_and_not_counted(caplog: pytest.LogCaptureFixture) -> None:
    def gone(_event: events.VideoRemoved) -> None:
        raise events.Skipped("the video's account is gone")

    events.subscribe(events.VideoRemoved, gone)
    before = failures()
    events.emit(events.VideoRemoved(a_video()))
    assert failures() == before
    (record,) = logged(caplog)
    assert (record.levelname, record.getMessage()) == ("INFO", "event subscriber skipped")
    assert record.reason == "the video's account is gone"


def test_recording_sees_every_event_in_order_and_stops_after_the_block() -> None:
    calls: list[object] = []
    events.subscribe(events.VideoRemoved, calls.append)
    first, second = events.VideoPublished(a_video(1)), events.VideoRemoved(a_video(2))
    with events.recording() as recorded:
        events.emit(first)
        events.emit(second)
    events.emit(events.VideoPublished(a_video(3)))
    assert recorded == [first, second]
    assert calls == [second]  # the real subscribers still ran


def test_isolated_restores_the_process_subscribers() -> None:
    calls: list[object] = []
    events.subscribe(events.VideoRemoved, calls.append)
    with events.isolated():
        assert events.subscribers(events.VideoRemoved) == ()
        events.emit(events.VideoRemoved(a_video()))
    assert calls == []
    assert events.subscribers(events.VideoRemoved) == (calls.append,)


def test_every_event_type_is_a_frozen_dataclass() -> None:
    for event_type in events.EVENT_TYPES:
        assert event_type.__dataclass_params__.frozen, event_type  # type: ignore[attr-defined]
