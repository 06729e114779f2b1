"""The event pump: SQS messages and S3 notifications to handlers, with Lambda's semantics.

For an SQS event source mapping with ReportBatchItemFailures, Lambda receives up to
`batch_size` messages, invokes the function once with all of them, deletes those the
function did not report as failed, and leaves the others to reappear after the queue's
visibility timeout. SQS itself counts receives and moves a message to the dead-letter
queue after maxReceiveCount; moto does the same. If the function raises, or reports an
identifier that was not in the batch, the whole batch counts as failed.

S3 notifications reach the pump through an internal SQS queue (S3 can notify SQS in moto
as on AWS) and are handed to the bucket's handler as the `{"Records": [...]}` event that
Lambda's S3 trigger delivers. A failing S3 handler is retried like Lambda's asynchronous
invocations (three attempts in all); then, as with an on-failure destination, the pump
sends Lambda's destination record to the bucket's failure queue (or, without one, the event
lands in the internal queue's DLQ).

A queue's polling can be paused and resumed (`set_enabled`, what disabling an event source
mapping does on AWS; `POST /api/v1/jobs/pause`): its messages wait. The paused queues are
kept in a file, so that a paused instance restarts paused, as a disabled mapping stays so.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger("cirrus.local.pump")

Invoke = Callable[[dict[str, Any]], Any]
IDLE_SLEEP_SECONDS = 0.25


@dataclass(frozen=True)
class SqsBinding:
    """An event source mapping: a queue, the function it feeds, and the batch size."""

    queue_url: str
    queue_arn: str
    invoke: Invoke
    batch_size: int = 10
    name: str = ""


@dataclass(frozen=True)
class S3Binding:
    """The internal queue carrying S3 notifications, the handler per bucket, and the queue
    per bucket that gets the events its handler failed on every attempt."""

    queue_url: str
    handlers: dict[str, Invoke]
    on_failure: dict[str, str] = field(default_factory=dict)
    attempts: int = 3


class EventPump:
    def __init__(
        self, sqs: Any, region: str, idle_sleep: float = IDLE_SLEEP_SECONDS, paused_file: Path | None = None
    ) -> None:
        self._sqs = sqs
        self._region = region
        self._idle_sleep = idle_sleep
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._paused_file = paused_file
        self._paused: set[str] = _read_paused(paused_file)

    def set_enabled(self, queue_name: str, enabled: bool) -> None:
        """Resume or pause the polling of a queue (by name), as an event source mapping's
        Enabled; chalicelib/store/job_queues.py's switch on the embedded stack."""
        paused = set(self._paused)
        if enabled:
            paused.discard(queue_name)
        else:
            paused.add(queue_name)
        if self._paused_file is not None:
            self._paused_file.parent.mkdir(parents=True, exist_ok=True)
            partial = self._paused_file.with_suffix(".part")
            partial.write_text(json.dumps(sorted(paused)))
            partial.replace(self._paused_file)
        self._paused = paused  # one assignment: the polling threads read it without a lock
        log.warning("queue %s %s", queue_name, "resumed" if enabled else "paused")

    def is_paused(self, queue_name: str) -> bool:
        return queue_name in self._paused

    def add_sqs(self, binding: SqsBinding) -> None:
        self._spawn(f"pump-{binding.name or binding.queue_arn}", lambda: self._poll_sqs(binding))

    def add_s3(self, binding: S3Binding) -> None:
        self._spawn("pump-s3", lambda: self._poll_s3(binding))

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def poll_sqs_once(self, binding: SqsBinding) -> int:
        """Receive and process one batch; return how many messages it held."""
        if binding.queue_url.rsplit("/", 1)[-1] in self._paused:
            return 0
        messages = self._receive(binding.queue_url, binding.batch_size)
        if not messages:
            return 0
        event = {"Records": [self._sqs_record(m, binding.queue_arn) for m in messages]}
        failed = self._failed_ids(binding, event, {m["MessageId"] for m in messages})
        done = [m for m in messages if m["MessageId"] not in failed]
        self._delete(binding.queue_url, done)
        return len(messages)

    def poll_s3_once(self, binding: S3Binding) -> int:
        messages = self._receive(binding.queue_url, 10)
        done = []
        for message in messages:
            if self._deliver_s3(binding, message):
                done.append(message)
        self._delete(binding.queue_url, done)
        return len(messages)

    def _spawn(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _poll_sqs(self, binding: SqsBinding) -> None:
        self._loop(lambda: self.poll_sqs_once(binding))

    def _poll_s3(self, binding: S3Binding) -> None:
        self._loop(lambda: self.poll_s3_once(binding))

    def _loop(self, poll: Callable[[], int]) -> None:
        while not self._stop.is_set():
            try:
                received = poll()
            except Exception:
                log.exception("event pump poll failed")
                received = 0
            if not received:
                self._stop.wait(self._idle_sleep)

    def _receive(self, queue_url: str, count: int) -> list[dict[str, Any]]:
        # Short polls: a long poll would hold the endpoint busy and delay snapshots.
        response = self._sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=min(count, 10),
            WaitTimeSeconds=0,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return list(response.get("Messages", []))

    def _failed_ids(self, binding: SqsBinding, event: dict[str, Any], batch_ids: set[str]) -> set[str]:
        try:
            result = binding.invoke(event)
        except Exception:
            log.exception("function for %s raised; the whole batch will be retried", binding.name)
            return batch_ids
        failures = (result or {}).get("batchItemFailures") or [] if isinstance(result, dict) else []
        reported = {str(f.get("itemIdentifier") or "") for f in failures}
        if not reported <= batch_ids:
            log.error("function for %s reported unknown ids %s; failing the batch", binding.name, reported - batch_ids)
            return batch_ids
        return reported

    def _deliver_s3(self, binding: S3Binding, message: dict[str, Any]) -> bool:
        try:
            event = json.loads(message["Body"])
        except ValueError:
            log.error("dropping a malformed S3 notification")
            return True
        records = event.get("Records") or []
        if not records:  # s3:TestEvent, sent when notifications are configured
            return True
        bucket = records[0].get("s3", {}).get("bucket", {}).get("name")
        handler = binding.handlers.get(bucket)
        if handler is None:
            return True
        try:
            handler({"Records": records})
        except Exception as exc:
            attempt = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "1"))
            destination = binding.on_failure.get(bucket)
            if destination is None or attempt < binding.attempts:
                log.exception("S3 handler for bucket %s failed (attempt %d); it will be retried", bucket, attempt)
                return False
            log.exception("S3 handler for bucket %s failed %d times; sent to its failure queue", bucket, attempt)
            self._sqs.send_message(QueueUrl=destination, MessageBody=json.dumps(_destination_record(records, exc)))
        return True

    def _delete(self, queue_url: str, messages: list[dict[str, Any]]) -> None:
        if not messages:
            return
        entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
        self._sqs.delete_message_batch(QueueUrl=queue_url, Entries=entries)

    def _sqs_record(self, message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": {
                name: {
                    "dataType": value.get("DataType"),
                    "stringValue": value.get("StringValue"),
                    "binaryValue": value.get("BinaryValue"),
                    "stringListValues": [],
                    "binaryListValues": [],
                }
                for name, value in message.get("MessageAttributes", {}).items()
            },
            "md5OfBody": message.get("MD5OfBody"),
            "eventSource": "aws:sqs",
            "eventSourceARN": queue_arn,
            "awsRegion": self._region,
        }


def _read_paused(path: Path | None) -> set[str]:
    if path is None or not path.exists():
        return set()
    try:
        names = json.loads(path.read_text())
    except ValueError:
        log.error("%s is not a JSON list of queue names; no queue is paused", path)
        return set()
    return {str(name) for name in names} if isinstance(names, list) else set()


def _destination_record(records: list[dict[str, Any]], error: Exception) -> dict[str, Any]:
    """What Lambda sends to an on-failure destination for an asynchronous invocation."""
    return {
        "version": "1.0",
        "requestContext": {"condition": "RetriesExhausted", "approximateInvokeCount": 3},
        "requestPayload": {"Records": records},
        "responseContext": {"statusCode": 200, "functionError": "Unhandled"},
        "responsePayload": {"errorType": type(error).__name__, "errorMessage": str(error)},
    }
