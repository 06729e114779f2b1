"""Lambda entry point of the views queue: counted views, added to their videos in batches.

SQS gathers views for up to the batching window (template.yaml), so a popular video's counter
takes one write per batch, not one per view. A batch is grouped by video; when a video's
write fails, only that video's messages are reported as failures and come back later.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from chalicelib import failpoints
from chalicelib.config import get_settings
from chalicelib.domain.oauth import utcnow
from chalicelib.observability import count, logger, metrics
from chalicelib.store import table, views
from chalicelib.store.views import CountedView

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

table.bind(get_settings())
processor = BatchProcessor(event_type=EventType.SQS)


class ViewsNotCounted(Exception):
    """This record's video could not be updated; SQS delivers the record again."""


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handle_views(event: dict[str, Any], context: Any) -> dict[str, Any]:
    records = event.get("Records", [])
    failed = count_batch(records)
    failpoints.reached(failpoints.VIEWS_COUNTED)

    def report(record: SQSRecord) -> None:
        if record.message_id in failed:
            raise ViewsNotCounted(record.message_id)

    return dict(process_partial_response(event=event, record_handler=report, processor=processor, context=context))


def count_batch(records: list[dict[str, Any]]) -> set[str]:
    """Count every view of the batch; the message ids whose video could not be written."""
    by_video: dict[int, list[tuple[str, CountedView]]] = {}
    for record in records:
        view = _parse(record)
        if view is None:
            logger.warning("not a counted view, dropped", extra={"message_id": record.get("messageId")})
            continue
        by_video.setdefault(view.video_id, []).append((record["messageId"], view))
    failed: set[str] = set()
    now = utcnow()
    for video_id, entries in by_video.items():
        try:
            added = views.add_views(video_id, [view for _, view in entries], now)
        except Exception:
            logger.exception("views not counted", extra={"video": video_id})
            failed.update(message_id for message_id, _ in entries)
            continue
        count("ViewsCounted", added)
    return failed


def _parse(record: dict[str, Any]) -> CountedView | None:
    try:
        body = json.loads(record["body"])
        return CountedView(str(body["view"]), int(body["video"]), datetime.fromisoformat(body["at"]))
    except (KeyError, TypeError, ValueError):
        return None
