"""The instance's SQS queues: every message Cirrus sends, and the one other call its
consumers make (a delivery's retry delay), go through this module.

Each queue has a named sender, so what travels where can be read here and found by name;
they share one private sender that writes JSON bodies in batches of at most ten messages
and 256 KiB (SQS's limits) and raises on every refusal, so that the caller's own retry (or
its client's) takes over.

Bodies are UTF-8 JSON, not ASCII: a delivery carries its activity as a JSON string, and
escaping every non-ASCII character of it again would double (CJK: triple) its size.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

from chalicelib import aws, caches
from chalicelib.config import get_settings

BATCH_MESSAGES = 10
# SendMessageBatch's total on a queue with the classic 256 KiB maximum message size.
BATCH_BYTES = 256 * 1024
# SQS's longest DelaySeconds.
MAX_DELAY_SECONDS = 900
# Characters an SQS body may not hold (only #x9 #xA #xD, #x20-#xD7FF, #xE000-#xFFFD and
# above #xFFFF are allowed); in JSON text they can only sit inside strings, as \u escapes.
_REFUSED_BY_SQS = "[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"

Body = dict[str, Any]


def send_transcode_steps(steps: Sequence[Body]) -> None:
    """Transcoding steps for the transcoder (functions/transcoder)."""
    _send(get_settings().queues.transcode, steps)


def send_views(views: Sequence[Body]) -> None:
    """Counted views, to be added to their videos in batches (functions/views)."""
    _send(get_settings().queues.views, views)


def send_inbox(activities: Sequence[Body]) -> None:
    """Activities whose signatures held, to be processed once each (functions/federation/inbox)."""
    _send(get_settings().queues.inbox, activities)


def send_work(tasks: Sequence[Body], delay_seconds: int = 0) -> None:
    """Long tasks (deletions, remote subscriptions) for the work function; `delay_seconds`
    (at most 900, SQS's limit) keeps them hidden that long."""
    _send(get_settings().queues.work, tasks, delay_seconds)


def send_broadcast(broadcasts: Sequence[Body]) -> None:
    """Activities and their audiences, or publication notices, for the broadcast function."""
    _send(get_settings().queues.broadcast, broadcasts)


def send_deliveries(deliveries: Sequence[Body]) -> None:
    """One signed POST each, for the deliver function."""
    _send(get_settings().queues.deliver, deliveries)


def postpone_delivery(receipt_handle: str, seconds: int) -> None:
    """Keep a received delivery hidden `seconds` from now: its next attempt waits that long
    (the deliver queue's backoff), instead of the queue's fixed visibility timeout."""
    aws.sqs().change_message_visibility(
        QueueUrl=queue_url(get_settings().queues.deliver), ReceiptHandle=receipt_handle, VisibilityTimeout=seconds
    )


def defer_deliveries(deliveries: Sequence[Body], seconds: int) -> None:
    """Put deliveries back on the deliver queue, to be received `seconds` from now (their host
    had as many deliveries in flight as it may have): new messages, so no attempt is spent."""
    _send(get_settings().queues.deliver, deliveries, delay_seconds=seconds)


def settle_delivery(receipt_handle: str) -> None:
    """Delete a received delivery whose batch already answered for it (a slow host's, which
    finished after its batch had handed it off)."""
    aws.sqs().delete_message(QueueUrl=queue_url(get_settings().queues.deliver), ReceiptHandle=receipt_handle)


def queue_url(name: str) -> str:
    return _queue_url(name)


def encode(body: Body) -> str:
    """A message body: compact UTF-8 JSON, with what SQS refuses escaped."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return _refused_by_sqs().sub(lambda match: f"\\u{ord(match.group()):04x}", text)


@functools.cache
def _refused_by_sqs() -> re.Pattern[str]:
    # Compiled on first use, not at import (4 ms, 1 % of the API function's cold import).
    return re.compile(_REFUSED_BY_SQS)


@caches.register
def reset() -> None:
    """Forget queue URLs (tests create new queues between cases)."""
    _queue_url.cache_clear()


@functools.cache
def _queue_url(name: str) -> str:
    return str(aws.sqs().get_queue_url(QueueName=name)["QueueUrl"])


def _send(queue_name: str, bodies: Sequence[Body], delay_seconds: int = 0) -> None:
    url = _queue_url(queue_name)
    delay = {"DelaySeconds": min(max(delay_seconds, 0), MAX_DELAY_SECONDS)} if delay_seconds else {}
    for batch in _batches([encode(body) for body in bodies]):
        entries: list[Any] = [{"Id": str(i), "MessageBody": text, **delay} for i, text in enumerate(batch)]
        result = aws.sqs().send_message_batch(QueueUrl=url, Entries=entries)
        if result.get("Failed"):
            raise RuntimeError(f"SQS refused {len(result['Failed'])} of {len(batch)} messages to {queue_name}")


def _batches(texts: Sequence[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    size = 0
    for text in texts:
        length = len(text.encode("utf-8", "surrogatepass"))
        if length > BATCH_BYTES:
            raise ValueError(f"a message of {length} bytes is larger than SQS accepts")
        if batch and (len(batch) == BATCH_MESSAGES or size + length > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(text)
        size += length
    if batch:
        yield batch


def inbox_waiting() -> int:
    """Inbox activities waiting in their queue (SQS's approximate count, visible and in flight)."""
    attributes = aws.sqs().get_queue_attributes(
        QueueUrl=_queue_url(get_settings().queues.inbox),
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes.get("ApproximateNumberOfMessages", 0)) + int(
        attributes.get("ApproximateNumberOfMessagesNotVisible", 0)
    )
