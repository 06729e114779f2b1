"""The work queues seen from the administrators' side: how many messages each holds, the
messages of its dead-letter queue, putting one of those back, and pausing its consumer.

SQS lists nothing: it counts (queue attributes) and hands out messages. A message of a work
queue is never received here, since every receive counts towards its redrive to the DLQ.
Dead-letter queues have no consumer and no redrive, so they can be read by receiving: one
*sweep* receives every message it can, hidden for SWEEP_HIDE_SECONDS so that no message
comes twice, and then makes them all visible again at once. It costs one receive and one
visibility change per ten messages, reads at most `limit`, and while a sweep runs (well
under a second for a few hundred messages) a second sweep of the same queue misses the
messages the first holds. Receiving with a visibility of 0 instead would hand the same
messages back again and again and could never page through more than a few.

Pausing a queue disables its Lambda event source mappings (UpdateEventSourceMapping); the
embedded stack installs its own switch for its event pump (`use_switch`).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from chalicelib import aws, caches
from chalicelib.store.queues import queue_url

# How long a sweep keeps the messages it received hidden if it dies before releasing them.
SWEEP_HIDE_SECONDS = 30
# Short polls that found nothing before a sweep decides the queue holds no more.
EMPTY_POLLS = 3


@dataclass(frozen=True)
class QueueCounts:
    waiting: int  # visible, ready for the consumer
    active: int  # received and not yet deleted: in work, or waiting for a retry
    delayed: int  # sent with a delay that has not passed
    failed: int  # in the dead-letter queue


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    body: str
    sent_at: datetime | None
    first_received_at: datetime | None
    receive_count: int
    attributes: dict[str, Any] = field(default_factory=dict)


class ConsumerSwitch(Protocol):
    def set_enabled(self, queue_name: str, enabled: bool) -> None: ...


def count_messages(queue_name: str) -> QueueCounts:
    """Two GetQueueAttributes calls (three the first time). SQS's counts are approximate,
    as it says."""
    main = _attributes(queue_name)
    dead = _attributes(dead_letter_queue(queue_name))
    return QueueCounts(
        waiting=main.get("ApproximateNumberOfMessages", 0),
        active=main.get("ApproximateNumberOfMessagesNotVisible", 0),
        delayed=main.get("ApproximateNumberOfMessagesDelayed", 0),
        failed=dead.get("ApproximateNumberOfMessages", 0) + dead.get("ApproximateNumberOfMessagesNotVisible", 0),
    )


def list_dead_letters(queue_name: str, limit: int) -> list[DeadLetter]:
    """Up to `limit` messages of a work queue's dead-letter queue, each once, left in it (a
    sweep)."""
    return [_dead_letter(m) for m in _sweep(dead_letter_queue(queue_name), limit, stop=lambda _: False)]


def redrive_dead_letter(queue_name: str, message_id: str, limit: int) -> bool:
    """Send one message of a work queue's dead-letter queue back to it, then delete it from the
    DLQ. False when the sweep (of at most `limit` messages) did not find it. A crash between
    the send and the delete leaves the message in both, and it is run twice: every consumer
    is idempotent, as it must be for SQS's own redeliveries."""
    dlq_name = dead_letter_queue(queue_name)
    found = _sweep(dlq_name, limit, stop=lambda message: message["MessageId"] == message_id, keep_hidden=True)
    target = next((m for m in found if m["MessageId"] == message_id), None)
    others = [m for m in found if m is not target]
    try:
        if target is not None:
            aws.sqs().send_message(QueueUrl=queue_url(queue_name), MessageBody=target["Body"])
            aws.sqs().delete_message(QueueUrl=queue_url(dlq_name), ReceiptHandle=target["ReceiptHandle"])
    finally:
        _release(dlq_name, others)
    return target is not None


def dead_letter_queue(queue_name: str) -> str:
    """The name of a work queue's dead-letter queue, from its redrive policy (CloudFormation
    names queues itself, so the name cannot be derived)."""
    return _dead_letter_queue(queue_name)


def set_consumer_enabled(queue_names: list[str], enabled: bool) -> None:
    for name in queue_names:
        switch().set_enabled(name, enabled)


class LambdaSwitch:
    """The queue's event source mappings (Lambda polls SQS through them), enabled or not."""

    def set_enabled(self, queue_name: str, enabled: bool) -> None:
        arn = _queue_arn(queue_name)
        client = aws.lambda_()
        marker: str | None = None
        while True:
            page = client.list_event_source_mappings(EventSourceArn=arn, **({"Marker": marker} if marker else {}))
            for mapping in page.get("EventSourceMappings", []):
                client.update_event_source_mapping(UUID=mapping["UUID"], Enabled=enabled)
            marker = page.get("NextMarker")
            if not marker:
                return


@dataclass
class _Ports:
    switch: ConsumerSwitch | None = None


_ports = _Ports()


def use_switch(consumer_switch: ConsumerSwitch | None) -> None:
    """Install another switch (the embedded stack's event pump); None for Lambda's."""
    _ports.switch = consumer_switch


def switch() -> ConsumerSwitch:
    if _ports.switch is None:
        _ports.switch = LambdaSwitch()
    return _ports.switch


@caches.register
def reset() -> None:
    """Back to Lambda's switch, and forget the dead-letter queues' names."""
    use_switch(None)
    _dead_letter_queue.cache_clear()


@functools.cache
def _dead_letter_queue(queue_name: str) -> str:
    found = aws.sqs().get_queue_attributes(QueueUrl=queue_url(queue_name), AttributeNames=["RedrivePolicy"])
    policy = json.loads(found["Attributes"]["RedrivePolicy"])
    return str(policy["deadLetterTargetArn"]).rsplit(":", 1)[-1]


def _attributes(queue_name: str) -> dict[str, int]:
    names: Any = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    found = aws.sqs().get_queue_attributes(QueueUrl=queue_url(queue_name), AttributeNames=names)
    return {name: int(value) for name, value in found.get("Attributes", {}).items()}


def _queue_arn(queue_name: str) -> str:
    found = aws.sqs().get_queue_attributes(QueueUrl=queue_url(queue_name), AttributeNames=["QueueArn"])
    return str(found["Attributes"]["QueueArn"])


def _sweep(
    queue_name: str, limit: int, stop: Callable[[dict[str, Any]], bool], keep_hidden: bool = False
) -> list[dict[str, Any]]:
    """Receive every message (up to `limit`) once; release them unless `keep_hidden` (then
    the caller must). Ends early on the first message `stop` accepts."""
    url = queue_url(queue_name)
    expected = _attributes(queue_name).get("ApproximateNumberOfMessages", 0)
    seen: dict[str, dict[str, Any]] = {}
    empty = 0
    while len(seen) < limit and empty < EMPTY_POLLS and len(seen) < expected:
        batch = (
            aws.sqs()
            .receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=min(10, limit - len(seen)),
                VisibilityTimeout=SWEEP_HIDE_SECONDS,
                WaitTimeSeconds=0,
                AttributeNames=["All"],
            )
            .get("Messages", [])
        )
        empty = 0 if batch else empty + 1
        received: list[dict[str, Any]] = [dict(message) for message in batch]
        for message in received:
            seen[message["MessageId"]] = message
        if any(stop(message) for message in received):
            break
    messages = list(seen.values())
    if not keep_hidden:
        _release(queue_name, messages)
    return messages


def _release(queue_name: str, messages: list[dict[str, Any]]) -> None:
    url = queue_url(queue_name)
    for start in range(0, len(messages), 10):
        entries: Any = [
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
            for i, m in enumerate(messages[start : start + 10])
        ]
        aws.sqs().change_message_visibility_batch(QueueUrl=url, Entries=entries)


def _dead_letter(message: dict[str, Any]) -> DeadLetter:
    attributes = message.get("Attributes", {})
    return DeadLetter(
        message_id=str(message["MessageId"]),
        body=str(message.get("Body", "")),
        sent_at=_stamp(attributes.get("SentTimestamp")),
        first_received_at=_stamp(attributes.get("ApproximateFirstReceiveTimestamp")),
        receive_count=int(attributes.get("ApproximateReceiveCount", "0")),
        attributes=dict(attributes),
    )


def _stamp(milliseconds: str | None) -> datetime | None:
    if not milliseconds:
        return None
    return datetime.fromtimestamp(int(milliseconds) / 1000, UTC)
