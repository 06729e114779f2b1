"""Sending work to the instance's SQS queues: JSON bodies, in batches of ten (SQS's limit),
every refusal raised so that the caller's own retry (or its client's) takes over."""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import Any

from chalicelib import aws


def queue_url(name: str) -> str:
    return _queue_url(name)


@functools.cache
def _queue_url(name: str) -> str:
    return str(aws.sqs().get_queue_url(QueueName=name)["QueueUrl"])


def send(queue_name: str, bodies: Sequence[dict[str, Any]], delay_seconds: int = 0) -> None:
    """`delay_seconds` (at most 900, SQS's limit) keeps the messages hidden that long."""
    url = _queue_url(queue_name)
    delay = {"DelaySeconds": min(max(delay_seconds, 0), 900)} if delay_seconds else {}
    for start in range(0, len(bodies), 10):
        batch = bodies[start : start + 10]
        entries: list[Any] = [{"Id": str(i), "MessageBody": json.dumps(body), **delay} for i, body in enumerate(batch)]
        result = aws.sqs().send_message_batch(QueueUrl=url, Entries=entries)
        if result.get("Failed"):
            raise RuntimeError(f"SQS refused {len(result['Failed'])} of {len(batch)} messages to {queue_name}")


def reset() -> None:
    """Forget queue URLs (tests create new queues between cases)."""
    _queue_url.cache_clear()
