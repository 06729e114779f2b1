"""functions/consumer.py: what every SQS consumer does with a batch, whatever its queue.

A record that is not a message of the queue is logged and dropped (it would fail the same way
on every delivery); a record whose handling raises is reported in batchItemFailures, alone;
the others succeed. No AWS is involved: the handlers get SQS events as Lambda builds them.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from functions.consumer import Received, sqs_batch_consumer, sqs_consumer, sqs_handler
from local.lambda_runtime import LocalLambdaContext

CONTEXT = LocalLambdaContext("consumer-test", 128, 30, "us-east-1")


def event(*bodies: tuple[str, str], receive_count: int = 1) -> dict[str, Any]:
    """An SQS event of (message id, body) records."""
    return {
        "Records": [
            {
                "messageId": message_id,
                "receiptHandle": f"receipt-{message_id}",
                "body": body,
                "attributes": {"ApproximateReceiveCount": str(receive_count), "SenderId": "AROAEXAMPLE:test"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:cirrus-test",
                "awsRegion": "us-east-1",
            }
            for message_id, body in bodies
        ]
    }


def parse_number(record: Any) -> int:
    value = json.loads(record.body)
    if not isinstance(value, int):
        raise ValueError("not an integer")
    return value


def test_a_bad_record_is_dropped_and_logged_a_failing_one_reported_the_others_succeed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    handled: list[int] = []

    def handle(received: Received[int]) -> None:
        if received.message == 13:
            raise RuntimeError("unlucky")
        handled.append(received.message)

    handler = sqs_consumer(parse_number, handle, what="a number")

    answer = handler(event(("m1", "1"), ("bad", "{not json"), ("m13", "13"), ("list", "[1]"), ("m2", "2")), CONTEXT)

    assert answer == {"batchItemFailures": [{"itemIdentifier": "m13"}]}
    assert handled == [1, 2]
    dropped = [record for record in caplog.records if record.getMessage() == "not a number, dropped"]
    assert sorted(str(getattr(record, "message_id", "")) for record in dropped) == ["bad", "list"]
    assert all(record.levelname == "ERROR" for record in dropped)


def test_a_record_parse_drops_itself_is_neither_handled_nor_failed() -> None:
    handled: list[Any] = []
    handler = sqs_consumer(lambda record: None, handled.append, what="anything")

    assert handler(event(("m1", "1")), CONTEXT) == {"batchItemFailures": []}
    assert handled == []


def test_the_handler_sees_the_record_its_attempt_and_the_lambda_context() -> None:
    seen: list[Received[int]] = []
    handler = sqs_consumer(parse_number, seen.append, what="a number")

    handler(event(("m1", "1"), receive_count=3), CONTEXT)

    [received] = seen
    assert (received.message, received.record.message_id, received.attempt) == (1, "m1", 3)
    assert received.context is CONTEXT


def test_a_batch_consumer_reports_the_message_ids_its_handler_returns() -> None:
    batches: list[list[int]] = []

    def handle(received: list[Received[int]]) -> set[str]:
        batches.append([item.message for item in received])
        return {item.record.message_id for item in received if item.message % 2}

    handler = sqs_batch_consumer(parse_number, handle, what="a number")
    answer = handler(event(("m1", "1"), ("m2", "2"), ("bad", "x"), ("m3", "3")), CONTEXT)

    assert batches == [[1, 2, 3]]  # one call for the whole batch, without the unreadable record
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m3"}]}


def test_a_plain_handler_fails_whatever_it_raises_including_unreadable_records() -> None:
    def run(record: Any) -> None:
        json.loads(record.body)

    handler = sqs_handler(run)

    assert handler(event(("m1", "1"), ("bad", "{")), CONTEXT) == {"batchItemFailures": [{"itemIdentifier": "bad"}]}


def test_setup_runs_once_per_execution_environment_however_many_handlers_use_it() -> None:
    calls: list[str] = []

    def setup() -> None:
        calls.append("setup")

    sqs_consumer(parse_number, lambda received: None, what="a number", setup=setup)
    sqs_handler(lambda record: None, setup=setup)

    assert calls == ["setup"]


def test_metrics_recorded_while_handling_are_flushed_with_the_invocation(capsys: pytest.CaptureFixture[str]) -> None:
    from chalicelib.observability import count

    handler = sqs_consumer(parse_number, lambda received: count("ConsumerTestHandled"), what="a number")
    handler(event(("m1", "1"), ("m2", "2")), CONTEXT)

    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"_aws"')]
    assert [doc["ConsumerTestHandled"] for doc in emitted if "ConsumerTestHandled" in doc] == [[1.0, 1.0]]
