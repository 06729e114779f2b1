"""Lambda entry point of the inbox queue: activities whose signatures held, processed one by
one with partial batch failures (an activity whose remote server is down comes back later)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import subscribers
from chalicelib.activitypub.inbox.dispatch import process
from chalicelib.activitypub.inbox.message import InboxMessage
from chalicelib.observability import count
from functions.consumer import sqs_consumer

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from functions.consumer import Received


def _parse(record: SQSRecord) -> InboxMessage:
    return InboxMessage.from_body(record.body)


def _process(received: Received[InboxMessage]) -> None:
    outcome = process(received.message)
    count(f"Inbox{outcome.value.capitalize()}")


handle_inbox = sqs_consumer(_parse, _process, what="an inbox message", setup=subscribers.register)
