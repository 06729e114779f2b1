"""L8: deliveries were JSON-escaped twice (every CJK character became a 6-byte escape) and
sent ten to a batch whatever their size: a Create with a 10,000-character CJK description
made batches of about 600 KB, beyond SendMessageBatch's 256 KiB on queues with the classic
limit, and the broadcast failed on every retry.

The broadcast function's own expansion runs against moto; every SendMessageBatch request it
makes is measured as it leaves the client."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.activitypub.delivery.messages import Broadcast, Delivery
from chalicelib.activitypub.delivery.outbox import serialise

SQS_BATCH_LIMIT = 256 * 1024
INBOXES = tuple(f"https://peer{i}.example/inbox" for i in range(25))


def _activity() -> dict[str, Any]:
    description = ("視頻描述。" * 2000)[:10_000]
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "type": "Create",
        "id": "https://video.example.org/videos/watch/x/activity",
        "actor": "https://video.example.org/accounts/alice",
        "object": {"type": "Video", "id": "https://video.example.org/videos/watch/x", "content": description},
    }


def test_a_long_cjk_activity_reaches_every_inbox_in_batches_sqs_accepts(aws: None) -> None:
    from chalicelib import aws as aws_clients
    from chalicelib.config import get_settings
    from chalicelib.store import queues
    from functions.federation.broadcast import expand

    batches: list[int] = []

    def measure(params: dict[str, Any], **_: Any) -> None:
        batches.append(sum(len(entry["MessageBody"].encode("utf-8")) for entry in params["Entries"]))

    sqs = aws_clients.sqs()
    sqs.meta.events.register("provide-client-params.sqs.SendMessageBatch", measure)
    body = serialise(_activity())
    expand(Broadcast(body, signer_id=999_999, inboxes=INBOXES))

    assert batches and max(batches) <= SQS_BATCH_LIMIT, batches
    url = queues.queue_url(get_settings().queues.deliver)
    delivered: list[Delivery] = []
    while received := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        for message in received:
            delivered.append(Delivery.from_json(json.loads(message["Body"])))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert sorted(d.inbox for d in delivered) == sorted(INBOXES)
    assert all(d.body == body for d in delivered), "the activity arrives byte for byte"


def test_queue_bodies_stay_within_what_sqs_accepts(aws: None) -> None:
    """Characters SQS refuses in a body (U+FFFF, lone surrogates) still travel, escaped."""
    from chalicelib import aws as aws_clients
    from chalicelib.config import get_settings
    from chalicelib.store import queues

    tricky = {"text": "a\ufffeb\uffffc\ud800d視"}
    queues.send_deliveries([tricky])
    url = queues.queue_url(get_settings().queues.deliver)
    (message,) = aws_clients.sqs().receive_message(QueueUrl=url)["Messages"]
    assert json.loads(message["Body"]) == tricky
