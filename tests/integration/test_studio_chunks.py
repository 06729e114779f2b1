"""A studio edit in chunks (docs/studio.md, "Long videos") through the transcoder's handler,
SQS and S3, with real ffmpeg reading presigned URLs from the local AWS endpoint: a video of
several chunks cut and watermarked, each piece its own message; a redelivered piece changes
nothing; a piece failing on its last attempt leaves the video published as it was."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain import studio_chunks as chunked
from chalicelib.domain import studio_results
from chalicelib.media import layout
from chalicelib.media.probe import probe
from chalicelib.store import keys, queues, uploads_bucket, videos
from chalicelib.store.models import Video
from functions.transcoder import studio_edit
from tests.local_endpoint import endpoint_with_resources, transcoder_context

pytestmark = pytest.mark.skipif(
    shutil.which("ffmpeg") is None, reason="ffmpeg is not installed (make test installs it)"
)
SECONDS, WIDTH, HEIGHT = 14, 320, 180
FOLDER = "studio/0123456789abcdef/"
MARK = f"{FOLDER}1-add-watermark"
TASKS = [{"name": "cut", "options": {"start": 2, "end": SECONDS}}, {"name": "add-watermark", "options": {"file": MARK}}]


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    # Every edit in chunks, of 4 s: the 12 s kept are 4 pieces ([2, 4) [4, 8) [8, 12) [12, 14)).
    monkeypatch.setenv("CIRRUS_STUDIO_CHUNKED_FROM_SECONDS", "0")
    monkeypatch.setenv("CIRRUS_STUDIO_CHUNK_SECONDS", "4")
    with endpoint_with_resources(monkeypatch) as resources:
        yield resources


def _source(path: Path) -> Path:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"color=c=black:size={WIDTH}x{HEIGHT}:rate=25",
         "-f", "lavfi", "-i", "sine=frequency=500", "-t", str(SECONDS), "-c:v", "libx264", "-preset", "ultrafast",
         "-pix_fmt", "yuv420p", "-c:a", "aac", str(path)],
        check=True,
    )  # fmt: skip
    return path


def _mark(path: Path) -> bytes:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "color=c=white:size=40x40", "-frames:v", "1", str(path)],
        check=True,
    )
    return path.read_bytes()


def _editing_video(stack: dict[str, Any], source: Path, mark: Path) -> Video:
    """A published video in the editing stage (TO_EDIT), its source and the edit's watermark
    stored as the API leaves them, and the edit queued."""
    now = datetime.now(UTC)
    video_uuid = str(uuid.uuid4())
    video_id = int(time.time() * 1000) % 10_000_000
    video = Video(
        keys.video_pk(video_id), keys.ENTITY_SK, id=video_id, uuid=video_uuid, name="A clip", channel_id=1,
        account_id=1, url=f"http://localhost:9000/videos/watch/{video_uuid}", created_at=now, updated_at=now,
        published_at=now, state=9, stage="editing", duration=SECONDS,
        source_key=layout.source_key(video_uuid, "clip.mp4"),
    )  # fmt: skip
    videos.create_video(video)
    stack["s3"].put_object(Bucket=stack["settings"].uploads_bucket, Key=video.source_key, Body=source.read_bytes())
    uploads_bucket.put_work_file(video_uuid, MARK, _mark(mark))
    studio_results.queue_edit(video_uuid, [dict(task) for task in TASKS])
    return video


def _pump(stack: dict[str, Any]) -> Callable[[], int]:
    from functions.transcoder.handler import handle_step
    from local.pump import EventPump, SqsBinding

    arn = stack["sqs"].get_queue_attributes(QueueUrl=stack["queue"], AttributeNames=["QueueArn"])["Attributes"]
    binding = SqsBinding(
        stack["queue"], arn["QueueArn"], lambda event: handle_step(event, transcoder_context()), batch_size=1,
        name="transcode",
    )  # fmt: skip
    pump = EventPump(stack["sqs"], "us-east-1")
    return lambda: pump.poll_sqs_once(binding)


def _run_until(once: Callable[[], int], done: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "the edit did not finish"
        if not once():
            time.sleep(0.2)


def _work_keys(stack: dict[str, Any], video: Video, folder: str) -> list[str]:
    listed = stack["s3"].list_objects_v2(
        Bucket=stack["settings"].uploads_bucket, Prefix=layout.work_key(video.uuid, folder)
    )
    return [str(item["Key"]) for item in listed.get("Contents", [])]


def _hand_overs() -> list[dict[str, Any]]:
    from chalicelib import aws
    from chalicelib.config import get_settings

    url = queues.queue_url(get_settings().queues.work)
    messages = aws.sqs().receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    bodies = [json.loads(m["Body"]) for m in messages]
    return [b for b in bodies if b.get("task") == studio_results.HAND_OVER_TASK]


def _luma(path: str, at: float) -> int:
    """The luma at the watermark's place (18 px high, 9 px from the top and the right)."""
    frame = subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", str(at), "-i", path, "-frames:v", "1", "-f", "rawvideo",
         "-pix_fmt", "gray", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return frame[18 * WIDTH + WIDTH - 18]


def _fresh(video: Video) -> Video:
    current = videos.get_video(int(video.id))
    assert current is not None
    return current


def test_a_long_edit_runs_in_chunks_each_its_own_message_and_is_joined_once(
    stack: dict[str, Any], tmp_path: Path
) -> None:
    source = _source(tmp_path / "source.mp4")
    video = _editing_video(stack, source, tmp_path / "mark.png")
    once = _pump(stack)

    # The edit's message plans it; then one piece at a time, until one is counted.
    _run_until(once, lambda: int(_fresh(video).steps_done or 0) >= 1)
    counting = _fresh(video)
    assert int(counting.steps_total) == 5  # 4 pieces and the audio
    [marker] = [s for s in counting.done_steps if s.startswith("studio-edit-")]
    edit = marker.removeprefix("studio-edit-")
    [counted] = [s for s in counting.done_steps if s != marker]
    step = (
        chunked.message(chunked.AUDIO, video.uuid, video.uuid, edit)
        if counted == chunked.AUDIO_STEP
        else chunked.message(chunked.PIECE, video.uuid, video.uuid, edit, int(counted.rsplit("-", 1)[1]))
    )
    name = chunked.audio_name(edit) if "piece" not in step else chunked.piece_name(edit, int(step["piece"]))

    # The same step delivered again: nothing is encoded or written (its file, taken away
    # meanwhile, stays away), nothing counted.
    kept = uploads_bucket.read_work_file(video.uuid, name)
    uploads_bucket.delete_work_file(video.uuid, name)
    studio_edit.run(step, 1, 3)
    assert uploads_bucket.work_file_size(video.uuid, name) is None
    assert int(_fresh(video).steps_done) == 1
    uploads_bucket.put_work_file(video.uuid, name, kept)

    result_key = studio_results.RESULT_NAME
    _run_until(once, lambda: uploads_bucket.work_file_size(video.uuid, result_key) is not None)
    while once():
        pass
    assert len(_hand_overs()) == 1  # the join ran once, and asked for one hand-over
    edited = _fresh(video)
    assert edited.stage == "editing" and int(edited.steps_done) == 5  # TO_EDIT until handed over

    # The pieces, the audio and the plan are gone, and so is the edit's own folder.
    assert _work_keys(stack, video, studio_results.CHUNKS_FOLDER) == []
    assert _work_keys(stack, video, FOLDER) == []

    # A piece delivered after the join: nothing is written, nothing counted. The join
    # delivered again joins nothing: it only asks for the hand-over again (in case its run
    # died before asking), which the work function takes once.
    size = uploads_bucket.work_file_size(video.uuid, result_key)
    studio_edit.run(chunked.message(chunked.PIECE, video.uuid, video.uuid, edit, 0), 1, 3)
    studio_edit.run(chunked.message(chunked.JOIN, video.uuid, video.uuid, edit), 1, 3)
    assert _work_keys(stack, video, studio_results.CHUNKS_FOLDER) == []
    assert int(_fresh(video).steps_done) == 5
    assert uploads_bucket.work_file_size(video.uuid, result_key) == size

    result = tmp_path / "result.mp4"
    result.write_bytes(uploads_bucket.read_work_file(video.uuid, result_key))
    info = probe(str(result))
    assert abs(info.duration - (SECONDS - 2)) < 0.2, info.duration
    assert (info.width, info.height) == (WIDTH, HEIGHT) and info.has_audio
    # The watermark in frames of the first piece ([2, 4) of the source) and of the last
    # ([12, 14)), where the source is black.
    for at in (0.5, 11.5):
        assert _luma(str(source), at + 2) < 40
        assert _luma(str(result), at) > 200, at


def test_a_piece_failing_on_its_last_attempt_leaves_the_video_published_as_it_was(
    stack: dict[str, Any], tmp_path: Path
) -> None:
    video = _editing_video(stack, _source(tmp_path / "source.mp4"), tmp_path / "mark.png")
    once = _pump(stack)
    _run_until(once, lambda: bool(_work_keys(stack, video, studio_results.CHUNKS_FOLDER)))
    # Planned: its watermark then disappears, so every piece fails (the queue tries each
    # three times, a second apart here).
    uploads_bucket.delete_work_file(video.uuid, MARK)
    _run_until(once, lambda: _fresh(video).stage != "editing")
    while once():
        pass
    after = _fresh(video)
    assert (after.stage, after.state) == ("done", 1)
    assert _work_keys(stack, video, studio_results.CHUNKS_FOLDER) == []
    assert uploads_bucket.work_file_size(video.uuid, studio_results.RESULT_NAME) is None
    assert _hand_overs() == []
