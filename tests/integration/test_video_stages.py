"""The store moves a video between transcoding stages only as the stage table declares
(store/videos.py `transition`, store/models/video_stages.py), with conditional writes."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from chalicelib.state_graph import UndeclaredMove
from chalicelib.store import keys, videos
from chalicelib.store.models import Video
from chalicelib.store.models.video_stages import STAGES
from tests.video_seed import add_video

UNDECLARED = [
    (source, target)
    for source, target in itertools.product(STAGES.states, repeat=2)
    if not STAGES.allows(source, target)
]


def _pending(stage: str) -> Video:
    """A local video in `stage`, on the pending list as a video on its way would be."""
    return add_video(1, 2, f"in {stage}", stage=stage, state=2, published_at=None)


def test_every_move_the_table_does_not_declare_is_refused_before_anything_is_written(aws: None) -> None:
    assert len(UNDECLARED) == 10 * 10 - 18
    for source, target in UNDECLARED:
        video = _pending(source)
        joined: list[Any] = []
        with pytest.raises(UndeclaredMove, match=f"no move from {source} to {target}"):
            videos.transition(video, source, target, [Video.name.set("moved")], also=joined.append)
        stored = videos.get_video(int(video.id))
        assert stored is not None
        assert (stored.stage, stored.name) == (source, f"in {source}")
        assert joined == []  # no transaction was begun


def test_a_move_from_several_stages_is_refused_if_any_of_them_may_not_make_it(aws: None) -> None:
    video = _pending("encoding")
    with pytest.raises(UndeclaredMove, match="no move from uploaded to packaging"):
        videos.transition(video, ("uploaded", "encoding"), "packaging")
    assert (videos.get_video(int(video.id)) or video).stage == "encoding"


def test_a_declared_move_happens_once_and_keeps_the_pending_list(aws: None) -> None:
    video = _pending("uploaded")
    assert videos.transition(video, "uploaded", "encoding", [Video.steps_total.set(3)])
    # A second delivery finds the video moved on: nothing happens.
    assert not videos.transition(video, "uploaded", "encoding", [Video.steps_total.set(9)])
    stored = videos.get_video(int(video.id))
    assert stored is not None
    assert (stored.stage, stored.steps_total) == ("encoding", 3)
    assert stored.gsi1pk == keys.pending_videos_gsi1pk()  # still on its way: still watched
    # An end leaves the pending list.
    assert videos.fail(stored, "broken")
    failed = videos.get_video(int(video.id))
    assert failed is not None
    assert (failed.stage, failed.state, failed.failure, failed.gsi1pk) == ("failed", 7, "broken", None)


def test_a_finished_video_is_not_failed_and_nothing_moves_a_deleted_one(aws: None) -> None:
    published = _pending("done")
    assert not videos.fail(published, "too late")
    assert (videos.get_video(int(published.id)) or published).stage == "done"
    gone = _pending("packaging")
    gone.delete()
    assert not videos.transition(gone, "packaging", "failed")
    assert videos.get_video(int(gone.id)) is None


def test_a_replaced_file_puts_a_finished_video_back_on_the_pending_list(aws: None) -> None:
    published = add_video(1, 2, "published")  # done, off the pending list
    assert (videos.get_video(int(published.id)) or published).gsi1pk is None
    assert videos.transition(published, ("done", "failed"), "uploaded")
    stored = videos.get_video(int(published.id))
    assert stored is not None
    assert (stored.stage, stored.gsi1pk) == ("uploaded", keys.pending_videos_gsi1pk())  # the sweeper watches it
