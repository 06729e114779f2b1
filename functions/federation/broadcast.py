"""Lambda entry point of the broadcast queue: one activity's audience becomes one delivery
message per inbox (followers' shared inboxes deduplicated).

A broadcast that fails part-way is retried whole, so some inboxes may receive an activity
twice: receivers deduplicate by activity id, as ActivityPub servers do.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from chalicelib import queues
from chalicelib.activitypub.delivery.fanout import FanOut, fan_out
from chalicelib.activitypub.delivery.messages import Broadcast, MessageError
from chalicelib.config import get_settings
from chalicelib.observability import count, logger, metrics
from chalicelib.store import follows, remote_hosts, table

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

table.bind(get_settings())
processor = BatchProcessor(event_type=EventType.SQS)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handle_broadcast(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return dict(process_partial_response(event=event, record_handler=_record, processor=processor, context=context))


def _record(record: SQSRecord) -> None:
    try:
        message = Broadcast.from_json(json.loads(record.body))
    except (ValueError, MessageError):
        logger.error("not a broadcast message, dropped", extra={"message_id": record.message_id})
        return
    result = expand(message)
    count("DeliveriesQueued", len(result.deliveries))
    count("DeliveriesSavedByDedup", result.requests_saved)


def expand(message: Broadcast) -> FanOut:
    """Queue one delivery per inbox of the broadcast's audience."""
    settings = get_settings()
    result = fan_out(message, follows.remote_follower_inboxes, _unreachable, settings.instance_host.lower())
    queues.send(settings.queues.deliver, [delivery.to_json() for delivery in result.deliveries])
    return result


def _unreachable(hosts: set[str]) -> set[str]:
    return {host for host, item in remote_hosts.get_hosts(hosts).items() if item.unreachable_since is not None}
