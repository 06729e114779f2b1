"""The event pump gives SQS handlers Lambda's batch semantics, DLQ included."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import unquote_plus

import pytest

from chalicelib import aws as aws_clients
from chalicelib.deploy_specs import QueueSpec
from local.pump import EventPump, SqsBinding
from local.resources import ensure_queue


def _binding(spec: QueueSpec, urls: dict[str, str], invoke: Any) -> SqsBinding:
    sqs = aws_clients.sqs()
    arn = sqs.get_queue_attributes(QueueUrl=urls[spec.name], AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return SqsBinding(urls[spec.name], arn, invoke, batch_size=spec.batch_size, name=spec.key)


def _drain(pump: EventPump, binding: SqsBinding, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not pump.poll_sqs_once(binding):
            time.sleep(0.1)


def _bodies(url: str) -> list[str]:
    response = aws_clients.sqs().receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
    return [m["Body"] for m in response.get("Messages", [])]


@pytest.fixture
def quick_queue(aws: None) -> tuple[QueueSpec, dict[str, str]]:
    # A visibility timeout of 1 s (function timeout rounded so 6x stays small) keeps retries quick.
    spec = QueueSpec("test", "cirrus-test-work", function_timeout=0, max_receive_count=3, batch_size=10)
    spec = QueueSpec(**{**spec.__dict__})
    urls = ensure_queue(aws_clients.sqs(), spec)
    aws_clients.sqs().set_queue_attributes(QueueUrl=urls[spec.name], Attributes={"VisibilityTimeout": "1"})
    return spec, urls


def test_a_message_failing_three_times_lands_in_the_dead_letter_queue(quick_queue: Any) -> None:
    spec, urls = quick_queue
    attempts: list[str] = []

    def always_fails(event: dict[str, Any]) -> dict[str, Any]:
        attempts.extend(r["body"] for r in event["Records"])
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"]]}

    pump = EventPump(aws_clients.sqs(), "us-east-1")
    aws_clients.sqs().send_message(QueueUrl=urls[spec.name], MessageBody=json.dumps({"n": 1}))
    _drain(pump, _binding(spec, urls, always_fails), seconds=4.5)

    assert attempts == ['{"n": 1}'] * 3
    assert _bodies(urls[spec.dlq_name]) == ['{"n": 1}']
    assert _bodies(urls[spec.name]) == []


def test_only_reported_failures_are_retried(quick_queue: Any) -> None:
    spec, urls = quick_queue
    seen: list[str] = []

    def fails_odd(event: dict[str, Any]) -> dict[str, Any]:
        seen.extend(r["body"] for r in event["Records"])
        failed = [r for r in event["Records"] if int(r["body"]) % 2]
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in failed]}

    for n in range(4):
        aws_clients.sqs().send_message(QueueUrl=urls[spec.name], MessageBody=str(n))
    pump = EventPump(aws_clients.sqs(), "us-east-1")
    _drain(pump, _binding(spec, urls, fails_odd), seconds=4.5)

    assert sorted(seen.count(str(n)) for n in range(4)) == [1, 1, 3, 3]
    assert seen.count("0") == 1 and seen.count("1") == 3
    assert sorted(_bodies(urls[spec.dlq_name])) == ["1", "3"]


def test_a_raising_handler_fails_the_whole_batch(quick_queue: Any) -> None:
    spec, urls = quick_queue
    calls = 0
    failed: list[str] = []
    handled: list[str] = []

    def flaky(event: dict[str, Any]) -> None:
        nonlocal calls
        calls += 1
        bodies = [record["body"] for record in event["Records"]]
        if calls == 1:
            failed.extend(bodies)
            raise RuntimeError("transient")
        handled.extend(bodies)

    for n in range(3):
        aws_clients.sqs().send_message(QueueUrl=urls[spec.name], MessageBody=str(n))
    pump = EventPump(aws_clients.sqs(), "us-east-1")
    _drain(pump, _binding(spec, urls, flaky), seconds=2.0)

    # SQS may hand the three over in one batch or several (a loaded machine); whatever the
    # first batch held came back whole, and every message was handled once in the end.
    assert failed and set(failed) <= set(handled)
    assert sorted(handled) == ["0", "1", "2"]
    assert _bodies(urls[spec.dlq_name]) == []
    assert _bodies(urls[spec.name]) == []


def test_an_unknown_reported_id_fails_the_whole_batch(quick_queue: Any) -> None:
    spec, urls = quick_queue
    batches: list[int] = []

    def confused(event: dict[str, Any]) -> dict[str, Any]:
        batches.append(len(event["Records"]))
        if len(batches) == 1:
            return {"batchItemFailures": [{"itemIdentifier": "not-a-message-id"}]}
        return {"batchItemFailures": []}

    aws_clients.sqs().send_message(QueueUrl=urls[spec.name], MessageBody="x")
    pump = EventPump(aws_clients.sqs(), "us-east-1")
    _drain(pump, _binding(spec, urls, confused), seconds=2.0)
    assert batches == [1, 1]


def test_s3_uploads_reach_the_bucket_handler_and_failures_are_retried(aws: None) -> None:
    from types import SimpleNamespace

    from chalice.app import Chalice

    from chalicelib.config import get_settings
    from local.stack import bind_s3_handlers

    settings = get_settings()
    app = Chalice(app_name="s3-test")
    seen: list[str] = []

    @app.on_s3_event(bucket=settings.uploads_bucket, events=["s3:ObjectCreated:*"], prefix="incoming/")
    def on_upload(event: Any) -> None:
        seen.append(event.key)
        if event.key.endswith("flaky"):
            raise RuntimeError("not yet")

    module = SimpleNamespace(app=app, on_upload=on_upload)
    sqs, s3 = aws_clients.sqs(), aws_clients.s3()
    binding = bind_s3_handlers(module, s3, sqs, "cirrus-test-s3-events")
    assert binding is not None
    sqs.set_queue_attributes(QueueUrl=binding.queue_url, Attributes={"VisibilityTimeout": "1"})
    s3.put_object(Bucket=settings.uploads_bucket, Key="incoming/video.mp4", Body=b"x")
    s3.put_object(Bucket=settings.uploads_bucket, Key="elsewhere/ignored.mp4", Body=b"x")
    s3.put_object(Bucket=settings.uploads_bucket, Key="incoming/flaky", Body=b"x")

    pump = EventPump(sqs, "us-east-1")
    deadline = time.monotonic() + 4.5
    while time.monotonic() < deadline:
        if not pump.poll_s3_once(binding):
            time.sleep(0.1)

    assert seen.count("incoming/video.mp4") == 1
    assert "elsewhere/ignored.mp4" not in seen
    assert seen.count("incoming/flaky") == 3
    dlq = sqs.get_queue_url(QueueName="cirrus-test-s3-events-dlq")["QueueUrl"]
    # Keys arrive URL-encoded in S3 events (Chalice's S3Event decodes them for handlers).
    dead = [unquote_plus(json.loads(body)["Records"][0]["s3"]["object"]["key"]) for body in _bodies(dlq)]
    assert dead == ["incoming/flaky"]


def test_a_paused_queue_waits_and_stays_paused_after_a_restart(quick_queue: Any, tmp_path: Any) -> None:
    spec, urls = quick_queue
    handled: list[str] = []

    def handles(event: dict[str, Any]) -> dict[str, Any]:
        handled.extend(r["body"] for r in event["Records"])
        return {"batchItemFailures": []}

    paused_file = tmp_path / "paused-queues.json"
    pump = EventPump(aws_clients.sqs(), "us-east-1", paused_file=paused_file)
    binding = _binding(spec, urls, handles)
    pump.set_enabled(spec.name, False)
    aws_clients.sqs().send_message(QueueUrl=urls[spec.name], MessageBody="1")
    assert pump.poll_sqs_once(binding) == 0
    assert handled == []

    restarted = EventPump(aws_clients.sqs(), "us-east-1", paused_file=paused_file)
    assert restarted.is_paused(spec.name)
    assert restarted.poll_sqs_once(binding) == 0
    restarted.set_enabled(spec.name, True)
    assert restarted.poll_sqs_once(binding) == 1
    assert handled == ["1"]
    assert not EventPump(aws_clients.sqs(), "us-east-1", paused_file=paused_file).is_paused(spec.name)
