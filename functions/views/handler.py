"""Lambda entry point of the views queue: counted views, added to their videos in batches,
and viewer windows, added to their videos' statistics.

SQS gathers views for up to the batching window (template.yaml), so a popular video's counter
takes one write per batch, not one per view. A batch is grouped by video; when a video's
write fails, only that video's messages are reported as failures and come back later.

A viewer window's messages carry its whole state, so of several in one batch only the latest
is applied (store/video_stats.py adds the difference to what the window added before); when
that fails, all of the window's messages of the batch come back.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib import failpoints
from chalicelib.domain import video_stats
from chalicelib.domain.oauth import utcnow
from chalicelib.observability import count, logger
from chalicelib.store import video_stats as stats_store
from chalicelib.store import views
from chalicelib.store.video_stats import ViewerState
from chalicelib.store.views import CountedView
from functions.consumer import sqs_batch_consumer

if TYPE_CHECKING:
    from collections.abc import Iterable

    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from functions.consumer import Received


def _parse(record: SQSRecord) -> CountedView | ViewerState:
    try:
        body = json.loads(record.body)
        if isinstance(body, dict) and body.get("kind") == video_stats.VIEWER_KIND:
            return video_stats.read_viewer_message(body)
        at = datetime.fromisoformat(body["at"])
        return CountedView(str(body["view"]), int(body["video"]), at, body.get("local") is True)
    except (KeyError, TypeError) as error:
        raise ValueError(f"no {error}") from error


def _count(received: list[Received[CountedView | ViewerState]]) -> set[str]:
    views_by_message = [
        (item.record.message_id, item.message) for item in received if isinstance(item.message, CountedView)
    ]
    states = [(item.record.message_id, item.message) for item in received if isinstance(item.message, ViewerState)]
    failed = count_batch(views_by_message) | apply_states(states)
    if views_by_message:  # the failpoint's moment: views counted, their messages not yet deleted
        failpoints.reached(failpoints.VIEWS_COUNTED)
    return failed


handle_views = sqs_batch_consumer(_parse, _count, what="a counted view or a viewer window")


def apply_states(states_by_message: Iterable[tuple[str, ViewerState]]) -> set[str]:
    """Apply the latest state of each viewer window of the batch; the message ids of the
    windows that could not be written."""
    by_window: dict[tuple[int, str, datetime], list[tuple[str, ViewerState]]] = {}
    for message_id, state in states_by_message:
        by_window.setdefault((state.video_id, state.viewer, state.window), []).append((message_id, state))
    failed: set[str] = set()
    now = utcnow()
    for entries in by_window.values():
        latest = max((state for _, state in entries), key=lambda state: state.seq)
        try:
            stats_store.apply_viewer(latest, now)
        except Exception:
            logger.exception("viewer window not counted", extra={"video": latest.video_id})
            failed.update(message_id for message_id, _ in entries)
    return failed


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
