"""Lambda entry point of the work queue: long work taken off the request path.

Each message is one task: carry on deleting an account or a channel (domain/deletions.py),
or resolve and follow a remote channel (activitypub/follows.py). A task that fails
is reported alone (partial batch response) and SQS delivers it again after the visibility
timeout; every task is idempotent, so a repeated or resumed one carries on where it stopped.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from chalicelib.activitypub import follows
from chalicelib.activitypub.outbound import subscriptions
from chalicelib.config import get_settings
from chalicelib.domain import deletions, remote_subscriptions
from chalicelib.domain.oauth import utcnow
from chalicelib.observability import count, logger, metrics
from chalicelib.store import table

if TYPE_CHECKING:
    from collections.abc import Callable

    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

table.bind(get_settings())
subscriptions.register()  # domain events reach federation (domain/events.py)
processor = BatchProcessor(event_type=EventType.SQS)

# Without a Lambda context (a direct call), a task gets this long.
DEFAULT_SECONDS = 300.0


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handle_work(event: dict[str, Any], context: Any) -> dict[str, Any]:
    seconds_left = _clock(context)

    def run(record: SQSRecord) -> None:
        run_task(record.message_id, record.body, seconds_left)

    return dict(process_partial_response(event=event, record_handler=run, processor=processor, context=context))


def run_task(message_id: str, body: str, seconds_left: Callable[[], float]) -> None:
    try:
        task = json.loads(body)
        kind = task["task"]
    except (ValueError, KeyError, TypeError):
        logger.error("not a work task, dropped", extra={"message_id": message_id})
        return
    if kind == deletions.TASK:
        progress = deletions.resume(int(task["actor"]), seconds_left, utcnow)
        count("DeletionsFinished", int(progress.done))
    elif kind == remote_subscriptions.TASK:
        follows.follow_channel(int(task["account"]), str(task["handle"]), utcnow())
    else:
        logger.error("unknown work task, dropped", extra={"message_id": message_id, "task": kind})


def _clock(context: Any) -> Callable[[], float]:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if callable(remaining):
        return lambda: float(remaining()) / 1000
    deadline = time.monotonic() + DEFAULT_SECONDS
    return lambda: deadline - time.monotonic()
