"""Sending work to the instance's SQS queues: JSON bodies, in batches of at most ten
messages and 256 KiB (SQS's limits), every refusal raised so that the caller's own retry
(or its client's) takes over.

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

BATCH_MESSAGES = 10
# SendMessageBatch's total on a queue with the classic 256 KiB maximum message size.
BATCH_BYTES = 256 * 1024
# Characters an SQS body may not hold (only #x9 #xA #xD, #x20-#xD7FF, #xE000-#xFFFD and
# above #xFFFF are allowed); in JSON text they can only sit inside strings, as \u escapes.
_REFUSED_BY_SQS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def queue_url(name: str) -> str:
    return _queue_url(name)


@functools.cache
def _queue_url(name: str) -> str:
    return str(aws.sqs().get_queue_url(QueueName=name)["QueueUrl"])


def send(queue_name: str, bodies: Sequence[dict[str, Any]], delay_seconds: int = 0) -> None:
    """`delay_seconds` (at most 900, SQS's limit) keeps the messages hidden that long."""
    url = _queue_url(queue_name)
    delay = {"DelaySeconds": min(max(delay_seconds, 0), 900)} if delay_seconds else {}
    for batch in _batches([encode(body) for body in bodies]):
        entries: list[Any] = [{"Id": str(i), "MessageBody": text, **delay} for i, text in enumerate(batch)]
        result = aws.sqs().send_message_batch(QueueUrl=url, Entries=entries)
        if result.get("Failed"):
            raise RuntimeError(f"SQS refused {len(result['Failed'])} of {len(batch)} messages to {queue_name}")


def encode(body: dict[str, Any]) -> str:
    """A message body: compact UTF-8 JSON, with what SQS refuses escaped."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return _REFUSED_BY_SQS.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


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


@caches.register
def reset() -> None:
    """Forget queue URLs (tests create new queues between cases)."""
    _queue_url.cache_clear()
