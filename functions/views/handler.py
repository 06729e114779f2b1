"""Lambda entry point of the views queue: counted views, added to their videos in batches.

SQS gathers views for up to the batching window (template.yaml), so a popular video's counter
takes one write per batch, not one per view. A batch is grouped by video; when a video's
write fails, only that video's messages are reported as failures and come back later.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib import failpoints
from chalicelib.domain.oauth import utcnow
from chalicelib.observability import count, logger
from chalicelib.store import views
from chalicelib.store.views import CountedView
from functions.consumer import sqs_batch_consumer

if TYPE_CHECKING:
    from collections.abc import Iterable

    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from functions.consumer import Received


def _parse(record: SQSRecord) -> CountedView:
    try:
        body = json.loads(record.body)
        return CountedView(str(body["view"]), int(body["video"]), datetime.fromisoformat(body["at"]))
    except (KeyError, TypeError) as error:
        raise ValueError(f"no {error}") from error


def _count(received: list[Received[CountedView]]) -> set[str]:
    failed = count_batch((item.record.message_id, item.message) for item in received)
    failpoints.reached(failpoints.VIEWS_COUNTED)
    return failed


handle_views = sqs_batch_consumer(_parse, _count, what="a counted view")


def count_batch(views_by_message: Iterable[tuple[str, CountedView]]) -> set[str]:
    """Count every view of the batch (message id, view); the message ids whose video could
    not be written."""
    by_video: dict[int, list[tuple[str, CountedView]]] = {}
    for message_id, view in views_by_message:
        by_video.setdefault(view.video_id, []).append((message_id, view))
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
