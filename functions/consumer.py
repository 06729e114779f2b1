"""Lambda handlers of the SQS queues, built in one place.

Every consumer answers with Powertools' partial batch response (its event source mapping has
ReportBatchItemFailures): a record whose handling raises is reported alone and SQS delivers
it again after its visibility timeout, until the queue's dead-letter queue takes it. Entry
modules give their queue's parts only:

- `sqs_consumer(parse, handle, what=...)`: each record is parsed first. A record that is not
  a message of the queue (`parse` raises ValueError) would fail the same way every time, so
  it is logged and dropped, never retried; `parse` returns None for a record it dropped
  itself, having said why. Each message read goes to `handle`, which fails the record by
  raising.
- `sqs_batch_consumer(parse, handle, what=...)`: the same parsing, but the messages read go
  to `handle` together, which returns the message ids that failed (the views: one write per
  video per batch, not one per view).
- `sqs_handler(record_handler)`: each record as it is, for a queue whose every failure is
  worth another try (the transcoder's steps).

Each is also prepared as `functions/entry.py` says (`setup` runs once per execution
environment).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib.observability import logger
from functions.entry import lambda_entry

T = TypeVar("T")
SqsHandler = Callable[[dict[str, Any], Any], dict[str, Any]]
Setup = Callable[[], None]


class RecordFailedError(Exception):
    """This record is reported as a failure of the batch; SQS delivers it again."""


@dataclass(frozen=True)
class Received(Generic[T]):
    """A message read from its SQS record, with the invocation that received it."""

    message: T
    record: SQSRecord
    context: Any  # the Lambda context; None when a test calls the handler without one

    @property
    def attempt(self) -> int:
        """Which delivery of this message it is: 1 the first time, more after failures."""
        return int(self.record.attributes.approximate_receive_count or 1)


def sqs_handler(record_handler: Callable[[SQSRecord], None], *, setup: Setup | None = None) -> SqsHandler:
    """A Lambda handler running `record_handler` on each record; what it raises fails that record."""
    processor = BatchProcessor(event_type=EventType.SQS)

    @lambda_entry(setup)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return dict(
            process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
        )

    return handler


def sqs_consumer(
    parse: Callable[[SQSRecord], T | None],
    handle: Callable[[Received[T]], None],
    *,
    what: str,
    setup: Setup | None = None,
) -> SqsHandler:
    """A Lambda handler that parses each record (dropping what is not `what`), then handles it."""
    processor = BatchProcessor(event_type=EventType.SQS)

    @lambda_entry(setup)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        def run(record: SQSRecord) -> None:
            message = _parse_or_drop(parse, record, what)
            if message is not None:
                handle(Received(message, record, context))

        return dict(process_partial_response(event=event, record_handler=run, processor=processor, context=context))

    return handler


def sqs_batch_consumer(
    parse: Callable[[SQSRecord], T | None],
    handle: Callable[[list[Received[T]]], set[str]],
    *,
    what: str,
    setup: Setup | None = None,
    whole_batch_failure_is_error: bool = True,
) -> SqsHandler:
    """A Lambda handler that parses every record (dropping what is not `what`), hands the
    messages read to `handle` at once, and reports the message ids it returns as failed.

    A batch whose every record failed makes the invocation fail, unless
    `whole_batch_failure_is_error` is False: then it is reported record by record, as any
    partial failure (the deliver function's slow deliveries, handed off, are no error)."""
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=whole_batch_failure_is_error)

    @lambda_entry(setup)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        received = []
        for record in (SQSRecord(raw) for raw in event.get("Records", [])):
            message = _parse_or_drop(parse, record, what)
            if message is not None:
                received.append(Received(message, record, context))
        failed = handle(received)

        def report(record: SQSRecord) -> None:
            if record.message_id in failed:
                raise RecordFailedError(record.message_id)

        return dict(process_partial_response(event=event, record_handler=report, processor=processor, context=context))

    return handler


def _parse_or_drop(parse: Callable[[SQSRecord], T | None], record: SQSRecord, what: str) -> T | None:
    try:
        return parse(record)
    except ValueError as error:
        logger.error(f"not {what}, dropped", extra={"message_id": record.message_id, "reason": str(error)})
        return None
