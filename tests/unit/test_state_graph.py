"""State graphs declared as data: the transcoding table, and the checks that refuse a table
which could strand a video (chalicelib/state_graph.py, store/models/video_stages.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.state_graph import StateGraph, StateGraphError, UndeclaredMove, check_graph
from chalicelib.store.models import video_stages
from chalicelib.store.models.video_stages import STAGES

ROOT = Path(__file__).resolve().parents[2]


def test_the_transcoding_table_is_the_pipeline_as_it_runs() -> None:
    moves = {(source, target) for source in STAGES.states for target in STAGES.states if STAGES.allows(source, target)}
    assert moves == {
        ("uploaded", "encoding"),
        ("uploaded", "failed"),
        ("encoding", "packaging"),
        # Progressive publication: each rendition is packaged within the encoding stage.
        ("encoding", "done"),
        ("encoding", "failed"),
        ("packaging", "done"),
        ("packaging", "failed"),
        # A live: playable, over (or waiting again when permanent), and a non-permanent
        # live's replay entering the pipeline.
        ("live-waiting", "live-on"),
        ("live-waiting", "live-ended"),
        ("live-on", "live-waiting"),
        ("live-on", "live-ended"),
        ("live-ended", "uploaded"),
        # An import whose file was fetched and checked joins the pipeline as an upload.
        ("importing", "uploaded"),
        # A video whose owner replaced its file goes through the pipeline again.
        ("done", "uploaded"),
        ("failed", "uploaded"),
        # A studio edit: the published video's new source joins the pipeline again, or
        # the video stays as it was when the edit fails.
        ("done", "editing"),
        ("editing", "uploaded"),
        ("editing", "done"),
    }
    assert STAGES.start == "uploaded"
    assert STAGES.entries == {"live-waiting", "importing", "editing"}
    assert STAGES.terminal == {"done", "failed"}
    assert STAGES.rests == {"done", "failed"}  # ends, though a replacement or an edit moves them on
    assert {"done", "failed"} == video_stages.SETTLED_STAGES
    # The sweeper watches videos on their way through transcoding, never a live, an import
    # nor an edit.
    assert video_stages.PENDING_STAGES == ("uploaded", "encoding", "packaging")
    assert sorted(video_stages.LIVE_STAGES) == ["live-ended", "live-on", "live-waiting"]
    # The values items hold: renaming one would strand every stored video.
    assert STAGES.states == (
        "uploaded",
        "encoding",
        "packaging",
        "done",
        "editing",
        "failed",
        "live-waiting",
        "live-on",
        "live-ended",
        "importing",
    )


def test_the_real_table_passes_its_checks() -> None:
    check_graph(STAGES.name, STAGES.start, STAGES.moves, STAGES.entries, STAGES.rests)


def test_rest_states_are_ends_though_they_move_on() -> None:
    moves = {"new": {"done"}, "done": {"new"}}
    with pytest.raises(StateGraphError, match="no terminal state"):
        check_graph("cycle", "new", moves)
    graph = StateGraph("cycle", "new", {k: frozenset(v) for k, v in moves.items()}, rests=frozenset({"done"}))
    assert graph.terminal == {"done"}
    assert graph.pending == ("new",)
    with pytest.raises(StateGraphError, match="rest states"):
        check_graph("cycle", "new", moves, rests={"gone"})


def test_entry_states_make_their_part_of_the_graph_reachable() -> None:
    moves = {"a": {"end"}, "end": set(), "b": {"end"}}
    with pytest.raises(StateGraphError, match=r"\['b'\] cannot be reached"):
        check_graph("one start", "a", moves)
    check_graph("two starts", "a", moves, entries={"b"})
    with pytest.raises(StateGraphError, match=r"entry states \['ghost'\] are not declared"):
        check_graph("bad entry", "a", moves, entries={"ghost"})


@pytest.mark.parametrize(
    ("start", "moves", "complaint"),
    [
        ("a", {"a": {"b"}, "b": set()}, None),
        ("z", {"a": {"b"}, "b": set()}, "start state 'z' is not declared"),
        ("a", {"a": {"b", "ghost"}, "b": set()}, "undeclared states ['ghost']"),
        ("a", {"a": {"b"}, "b": set(), "orphan": {"b"}}, "['orphan'] cannot be reached"),
        ("a", {"a": {"b"}, "b": {"a"}}, "no terminal state"),
        ("a", {"a": {"b", "end"}, "b": {"c"}, "c": {"b"}, "end": set()}, "['b', 'c'] can never reach a terminal"),
    ],
)
def test_the_checker_refuses_a_table_that_could_strand_an_item(
    start: str, moves: dict[str, set[str]], complaint: str | None
) -> None:
    if complaint is None:
        check_graph("fine", start, moves)
        return
    with pytest.raises(StateGraphError, match=complaint.replace("[", r"\[").replace("]", r"\]")):
        check_graph("bad", start, moves)


def test_declaring_a_bad_graph_raises_at_once() -> None:
    with pytest.raises(StateGraphError, match="no terminal state"):
        StateGraph("bad", start="a", moves={"a": frozenset({"a", "b"}), "b": frozenset({"a"})})


def test_a_bad_transcoding_table_stops_its_module_from_importing() -> None:
    """The module that declares the table checks it when imported: the same source with a
    misspelt stage in it does not load."""
    source = (ROOT / "chalicelib/store/models/video_stages.py").read_text()
    declared = "STAGE_PACKAGING: frozenset({STAGE_DONE, STAGE_FAILED}),"
    assert declared in source
    broken = source.replace(declared, 'STAGE_PACKAGING: frozenset({STAGE_DONE, STAGE_FAILED, "publishd"}),')
    with pytest.raises(StateGraphError, match=r"'packaging' moves to undeclared states \['publishd'\]"):
        exec(compile(broken, video_stages.__file__, "exec"), {"__name__": "broken_video_stages"})


def test_a_move_the_table_does_not_declare_is_refused_by_name() -> None:
    STAGES.check_move(["uploaded", "encoding", "packaging"], "failed")
    with pytest.raises(UndeclaredMove, match="no move from done to encoding"):
        STAGES.check_move(["done"], "encoding")
    with pytest.raises(UndeclaredMove, match="no move from failed to packaging"):
        STAGES.check_move(["encoding", "failed"], "packaging")
    with pytest.raises(UndeclaredMove, match="from nowhere"):
        STAGES.check_move([], "done")


def test_the_runner_job_table_is_the_protocol_as_it_runs() -> None:
    """A runner job's states (PeerTube's numbers) and the moves domain/runner_jobs makes."""
    from chalicelib.store.models import runner_job_states as states

    graph = states.JOB_STATES
    moves = {(source, target) for source in graph.states for target in graph.states if graph.allows(source, target)}
    pending, processing, completing = states.PENDING, states.PROCESSING, states.COMPLETING
    completed, errored, cancelled = states.COMPLETED, states.ERRORED, states.CANCELLED
    assert moves == {
        (pending, processing),  # accepted
        (pending, cancelled),  # its video gone, the Lambda fallback, an administrator
        (pending, errored),  # a stuck studio edit given up
        (processing, processing),  # progress
        (processing, pending),  # an error, an abort, a stall
        (processing, completing),  # success
        (processing, errored),  # the fifth error
        (processing, cancelled),
        (completing, completed),
        (completing, cancelled),
        (completing, errored),
    }
    assert graph.start == pending
    assert graph.terminal == {completed, errored, cancelled}
    assert (pending, processing, completing) == states.ACTIVE
    # PeerTube's numbers, which runners and stored items hold.
    assert (pending, processing, completed, errored, cancelled, completing) == (1, 2, 3, 4, 6, 9)
    assert set(states.STATE_LABELS) == set(range(1, 10))


def test_the_store_refuses_a_runner_job_move_the_table_does_not_declare() -> None:
    """Before any write: the item is left as it was (no table is needed to see it refused)."""
    from datetime import UTC, datetime

    from chalicelib.store import runners
    from chalicelib.store.models import RunnerJob

    job = RunnerJob(uuid="00000000-0000-4000-8000-000000000000", type="vod-hls-transcoding", state=runners.COMPLETED)
    with pytest.raises(UndeclaredMove, match="runner jobs: no move from 3 to 1 is declared"):
        runners.move_job(job, from_states=(runners.COMPLETED,), to_state=runners.PENDING, now=datetime.now(UTC))
    with pytest.raises(UndeclaredMove, match="no move from 3 to 6"):
        runners.move_job(
            job, from_states=(runners.PENDING, runners.COMPLETED), to_state=runners.CANCELLED, now=datetime.now(UTC)
        )
    assert int(job.state) == runners.COMPLETED
