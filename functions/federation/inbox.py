"""Lambda entry point of the inbox queue: activities whose signatures held, processed one by
one with partial batch failures (an activity whose remote server is down comes back later)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from chalicelib.activitypub.inbox.dispatch import process
from chalicelib.activitypub.inbox.message import InboxMessage, InboxMessageError
from chalicelib.activitypub.outbound import subscriptions
from chalicelib.config import get_settings
from chalicelib.observability import count, logger, metrics
from chalicelib.store import table

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

table.bind(get_settings())
subscriptions.register()  # domain events reach federation (domain/events.py)
processor = BatchProcessor(event_type=EventType.SQS)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handle_inbox(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return dict(process_partial_response(event=event, record_handler=_record, processor=processor, context=context))


def _record(record: SQSRecord) -> None:
    try:
        message = InboxMessage.from_body(record.body)
    except InboxMessageError:
        logger.error("not an inbox message, dropped", extra={"message_id": record.message_id})
        return
    outcome = process(message)
    count(f"Inbox{outcome.value.capitalize()}")
