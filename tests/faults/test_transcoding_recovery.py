"""Videos never hang on their way to publication: what a crash, a lost message, expired work
files or an ingest that Lambda gave up on leave behind is moved on, or failed visibly."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from chalicelib.media import layout
from chalicelib.store import media, videos
from chalicelib.store.models import Video
from local.pump import EventPump, S3Binding
from tests.integration import test_transcoding_pipeline as pipeline
from tests.integration.test_transcoding_pipeline import _context, _drain, _new_video, _upload_event

# The pipeline tests' fixtures: a local AWS endpoint with the resources, and a real clip.
stack = pipeline.stack
clip = pipeline.clip


class InvocationDied(Exception):
    """The invocation stops here, as a Lambda killed between two writes would."""


def _stalled_now(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.config import get_settings

    monkeypatch.setenv("CIRRUS_TRANSCODING_STALL_SECONDS", "0")
    get_settings.cache_clear()


def _run_until(stack: dict[str, Any], video: Video, reached: Any, seconds: float = 60) -> Video:
    import time

    from functions.transcoder.handler import handle_step
    from local.pump import SqsBinding

    arn = stack["sqs"].get_queue_attributes(QueueUrl=stack["queue"], AttributeNames=["QueueArn"])["Attributes"]
    binding = SqsBinding(stack["queue"], arn["QueueArn"], lambda event: handle_step(event, _context()), batch_size=1)
    pump = EventPump(stack["sqs"], "us-east-1")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        current = videos.get_video(int(video.id))
        if current is not None and reached(current):
            return current
        pump.poll_sqs_once(binding)
    raise AssertionError("the video did not reach the expected state")


def _lose_messages(stack: dict[str, Any]) -> None:
    """Every message of the transcode queue disappears (PurgeQueue allows one a minute)."""
    sqs = stack["sqs"]
    while messages := sqs.receive_message(QueueUrl=stack["queue"], MaxNumberOfMessages=10).get("Messages"):
        for message in messages:
            sqs.delete_message(QueueUrl=stack["queue"], ReceiptHandle=message["ReceiptHandle"])


def _sweep() -> dict[str, int]:
    from functions.transcoder.sweeper import sweep

    return sweep(datetime.now(UTC) + timedelta(seconds=1))


def test_a_step_counted_by_a_run_that_died_is_carried_on_by_its_redelivery(
    stack: dict[str, Any], clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.domain import transcoding
    from functions.transcoder.handler import handle_upload

    real = transcoding._packages_ready
    died: list[str] = []

    def die_once(video: Video, step: Any, done: set[str]) -> Any:
        unlocked = real(video, step, done)
        if unlocked and not died:
            died.append(unlocked[0].name)
            raise InvocationDied  # a rendition's last need is counted; its packaging never sent
        return unlocked

    monkeypatch.setattr(transcoding, "_packages_ready", die_once)
    video = _new_video(stack, clip)
    handle_upload(_upload_event(video, stack["settings"].uploads_bucket), _context())
    published = _drain(stack, video)
    assert died == ["package-144"]
    assert (published.stage, published.state) == ("done", 1), published.failure
    assert {"package-144", "package-240"} <= set(published.done_steps or ())


def test_the_sweeper_resends_the_steps_of_a_video_whose_messages_were_lost(
    stack: dict[str, Any], clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from functions.transcoder.handler import handle_upload

    video = _new_video(stack, clip)
    handle_upload(_upload_event(video, stack["settings"].uploads_bucket), _context())
    stack["sqs"].purge_queue(QueueUrl=stack["queue"])  # every step's message is lost
    _stalled_now(monkeypatch)
    assert _sweep() == {"resumed": 1}
    published = _drain(stack, video)
    assert (published.stage, published.state) == ("done", 1), published.failure
    assert published.resumes == 1
    assert _sweep() == {}  # published videos leave the pending list


def test_an_upload_whose_ingest_never_ran_is_ingested_by_the_sweeper(
    stack: dict[str, Any], clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    video = _new_video(stack, clip)  # in the bucket, but no event reached the ingest
    _stalled_now(monkeypatch)
    assert _sweep() == {"resumed": 1}
    published = _drain(stack, video)
    assert (published.stage, published.state) == ("done", 1), published.failure


def test_a_video_whose_publication_died_and_whose_work_files_expired_fails_visibly(
    stack: dict[str, Any], clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.domain import transcoding
    from functions.transcoder import handler
    from functions.transcoder.handler import handle_upload

    def died_before_publishing(video: Video) -> None:
        raise InvocationDied

    real_publish = transcoding.publish
    monkeypatch.setattr(transcoding, "publish", died_before_publishing)
    # A timed-out invocation never reaches the handler's last-attempt failure: as if no
    # attempt were the last while they die.
    monkeypatch.setattr(handler, "MAX_ATTEMPTS", 1000)
    video = _new_video(stack, clip)
    handle_upload(_upload_event(video, stack["settings"].uploads_bucket), _context())
    stuck = _run_until(stack, video, lambda v: v.stage == "encoding" and v.steps_done == v.steps_total)
    # The packaging steps' invocations timed out on every attempt: nothing caught them, and
    # their messages went to the dead-letter queue; the video was never playable.
    stack["sqs"].purge_queue(QueueUrl=stack["queue"])
    assert (stuck.stage, stuck.state) == ("encoding", 2)
    monkeypatch.setattr(transcoding, "publish", real_publish)
    monkeypatch.setattr(handler, "MAX_ATTEMPTS", 3)
    # Days later the work files have expired (the bucket's lifecycle rule): the packaging
    # step the sweeper sends again cannot be redone, and its last attempt fails the video.
    media.delete_prefix(stack["settings"].uploads_bucket, layout.work_prefix(video.uuid))
    _stalled_now(monkeypatch)
    assert _sweep() == {"resumed": 1}
    failed = _drain(stack, video)
    assert (failed.stage, failed.state) == ("failed", 7)
    assert (failed.failure or "").startswith("Transcoding failed (package-")
    assert _sweep() == {}


def test_a_video_resumed_twice_without_progress_is_failed(
    stack: dict[str, Any], clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from functions.transcoder.handler import handle_upload

    video = _new_video(stack, clip)
    handle_upload(_upload_event(video, stack["settings"].uploads_bucket), _context())
    _stalled_now(monkeypatch)
    for _ in range(2):  # whatever the sweeper sends is lost again
        _lose_messages(stack)
        assert _sweep() == {"resumed": 1}
    _lose_messages(stack)
    assert _sweep() == {"failed": 1}
    failed = videos.get_video(int(video.id))
    assert failed is not None and (failed.stage, failed.state) == ("failed", 7)
    assert failed.failure == "Transcoding stalled (encoding) and could not be resumed."


def test_an_abandoned_upload_is_failed_and_one_in_progress_is_left_alone(
    stack: dict[str, Any], clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    abandoned = _new_video(stack, b"")
    in_progress = _new_video(stack, b"")
    for video in (abandoned, in_progress):
        stack["s3"].delete_object(Bucket=stack["settings"].uploads_bucket, Key=video.source_key)
    abandoned.update(actions=[Video.created_at.set(datetime.now(UTC) - timedelta(days=2))])
    _stalled_now(monkeypatch)
    assert _sweep() == {"failed": 1, "waiting": 1}
    failed = videos.get_video(int(abandoned.id))
    assert failed is not None and failed.failure == "The upload was never completed."
    waiting = videos.get_video(int(in_progress.id))
    assert waiting is not None and waiting.stage == "uploaded"


def test_an_ingest_that_failed_every_attempt_fails_its_video(stack: dict[str, Any], clip: Path) -> None:
    # Locally the pump plays Lambda's asynchronous retries and on-failure destination: the
    # third failure sends the destination record to the transcode queue.
    video = _new_video(stack, clip)
    sqs, settings = stack["sqs"], stack["settings"]
    events = sqs.create_queue(QueueName="s3-events-test", Attributes={"VisibilityTimeout": "0"})["QueueUrl"]
    sqs.send_message(QueueUrl=events, MessageBody=json.dumps(_upload_event(video, settings.uploads_bucket)))

    def ingest_crashes(event: dict[str, Any]) -> None:
        raise InvocationDied("Runtime exited with error: signal: killed")

    binding = S3Binding(events, {settings.uploads_bucket: ingest_crashes}, {settings.uploads_bucket: stack["queue"]})
    pump = EventPump(sqs, "us-east-1")
    for _ in range(3):
        pump.poll_s3_once(binding)
    failed = _drain(stack, video, seconds=20)
    assert (failed.stage, failed.state) == ("failed", 7)
    assert failed.failure == "The uploaded file could not be processed."
