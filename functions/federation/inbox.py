"""Lambda entry point of the inbox queue: activities whose signatures held, processed one by
one with partial batch failures (an activity whose remote server is down comes back later)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from chalicelib import subscribers
from chalicelib.activitypub.inbox.dispatch import Outcome, process
from chalicelib.activitypub.inbox.message import InboxMessage
from chalicelib.observability import count
from chalicelib.store import counters
from functions.consumer import sqs_consumer

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from functions.consumer import Received


def _parse(record: SQSRecord) -> InboxMessage:
    return InboxMessage.from_body(record.body)


def _process(received: Received[InboxMessage]) -> None:
    kind = str(received.message.activity.get("type"))
    try:
        outcome = process(received.message)
    except Exception:
        counters.count_inbox_activity(kind, False, time.time())  # PeerTube counts each failed attempt
        raise
    # /server/stats: an activity done (or done before) is a success, one ignored an error,
    # as PeerTube counts an activity its handler refused.
    counters.count_inbox_activity(kind, outcome is not Outcome.IGNORED, time.time())
    count(f"Inbox{outcome.value.capitalize()}")


handle_inbox = sqs_consumer(_parse, _process, what="an inbox message", setup=subscribers.register)
