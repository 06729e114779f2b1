"""Running a queue's function over what is queued, as Lambda's event source mapping would
(batches, partial failures, visibility): integration tests drive consumers with it."""

from __future__ import annotations

import importlib
from typing import Any

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.deploy_specs import queue_specs
from local.lambda_runtime import LocalLambdaContext
from local.pump import EventPump, SqsBinding


def drain(queue: str, *, rounds: int = 50) -> int:
    """Process the named queue (its QueueSpec name: "inbox", "deliver", ...) until it is empty
    of visible messages; how many messages were received."""
    spec = next(s for s in queue_specs(get_settings()) if s.key == queue)
    assert spec.function, f"{queue} has no function"
    module, _, name = spec.function.partition(":")
    handler = getattr(importlib.import_module(module), name)
    sqs = aws.sqs()
    url = sqs.get_queue_url(QueueName=spec.name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    context = LocalLambdaContext(queue, 256, spec.function_timeout, "us-east-1")

    def invoke(event: dict[str, Any]) -> Any:
        return handler(event, context)

    binding = SqsBinding(url, arn, invoke, batch_size=spec.batch_size, name=queue)
    pump = EventPump(sqs, "us-east-1")
    total = 0
    for _ in range(rounds):
        received = pump.poll_sqs_once(binding)
        if not received:
            break
        total += received
    return total


def drain_federation() -> None:
    """Work tasks (remote follows, deletions' Delete activities), inbox, then broadcasts,
    then deliveries, until all four are quiet. A delivery slower than its batch's patience is
    handed off and ends on its own thread (activitypub/delivery/batch.py): on a loaded machine
    even a loopback one, so each round waits for those too."""
    from functions.federation import deliver

    for _ in range(10):
        received = drain("work") + drain("inbox") + drain("broadcast") + drain("deliver")
        assert deliver.settled(60), "a handed-off delivery still runs after 60 s"
        if not received:
            return
