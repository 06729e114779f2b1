"""Lambda entry point of the work queue: long work taken off the request path.

Each message is one task: carry on deleting an account or a channel (domain/deletions.py),
resolve and follow a remote channel (activitypub/follows.py), move the local followers of
an actor that moved (activitypub/moves.py), make the notifications of
an event, a page of subscribers at a time (domain/notifications/tasks.py), send an email
(verification, password reset: domain/mail/flows.py), push a notification to a user's
browsers (domain/notifications/web_push.py), tell a
live's watchers how many they are (domain/live_viewers.py), make or restore a user's
account archive (domain/archives/jobs.py), fetch a video import's file
(domain/video_imports.py), list a synchronised channel and start its imports
(domain/channel_syncs.py), hand a studio edit over (domain/studio.py), extract a video's
sound and start its Amazon Transcribe job (domain/amazon_transcribe.py), or mirror a remote
video an administrator chose (activitypub/mirror_schedule.py). A task that fails
is reported alone (partial batch response) and SQS delivers it again after the visibility
timeout; every task is idempotent, so a repeated or resumed one carries on where it stopped.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from chalicelib import subscribers
from chalicelib.activitypub import archive_documents, follows, mirror_schedule, moves
from chalicelib.config import get_settings
from chalicelib.domain import (
    amazon_transcribe,
    automatic_tags,
    channel_syncs,
    deletions,
    live_viewers,
    remote_subscriptions,
    studio,
    studio_results,
    video_imports,
)
from chalicelib.domain.archives import jobs as archive_jobs
from chalicelib.domain.mail import flows as mail_flows
from chalicelib.domain.notifications import tasks as notification_tasks
from chalicelib.domain.notifications import web_push
from chalicelib.domain.oauth import utcnow
from chalicelib.observability import count, logger
from functions.consumer import sqs_consumer

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    from functions.consumer import Received

# Without a Lambda context (a direct call), a task gets this long.
DEFAULT_SECONDS = 300.0


def _parse(record: SQSRecord) -> dict[str, Any]:
    task = json.loads(record.body)
    if not isinstance(task, dict) or "task" not in task:
        raise ValueError("no task")
    return task


def _run(received: Received[dict[str, Any]]) -> None:
    task = received.message
    kind = task["task"]
    run = _TASKS.get(kind)
    if run is None:
        logger.error("unknown work task, dropped", extra={"message_id": received.record.message_id, "task": kind})
        return
    run(task, received)


def _deletion(task: dict[str, Any], received: Received[dict[str, Any]]) -> None:
    progress = deletions.resume(int(task["actor"]), _clock(received.context), utcnow)
    count("DeletionsFinished", int(progress.done))


# Each task kind and what runs it, given the task and the received message (what it returns is dropped).
_TASKS: dict[str, Callable[[dict[str, Any], Received[dict[str, Any]]], object]] = {
    deletions.TASK: _deletion,
    remote_subscriptions.TASK: lambda task, _: follows.follow_channel(
        int(task["account"]), str(task["handle"]), utcnow()
    ),
    notification_tasks.TASK: lambda task, received: notification_tasks.run(task, received.record.message_id, utcnow()),
    mail_flows.TASK: lambda task, _: mail_flows.run(task, utcnow()),
    web_push.TASK: lambda task, _: web_push.run(task, utcnow(), _send_push),
    moves.TASK: lambda task, _: moves.run(task, utcnow()),
    live_viewers.TASK: lambda task, _: live_viewers.run(task),
    archive_jobs.EXPORT_TASK: lambda task, _: archive_jobs.run_export(
        task, get_settings(), utcnow(), archive_documents.documents
    ),
    archive_jobs.IMPORT_TASK: lambda task, _: archive_jobs.run_import(
        task, get_settings(), utcnow(), archive_documents.resolve_account
    ),
    studio_results.HAND_OVER_TASK: lambda task, _: studio.run_hand_over(task),
    video_imports.TASK: lambda task, received: video_imports.run(task, utcnow(), _clock(received.context)()),
    amazon_transcribe.TASK: lambda task, _: amazon_transcribe.run(str(task["video"]), str(task["job"])),
    automatic_tags.TAG_VIDEO_TASK: lambda task, _: automatic_tags.tag_video(int(task["video"])),
    channel_syncs.TASK: lambda task, received: channel_syncs.run(task, utcnow(), _clock(received.context)()),
    **{kind: lambda task, _: mirror_schedule.run_task(task, utcnow()) for kind in mirror_schedule.TASKS},
}


handle_work = sqs_consumer(_parse, _run, what="a work task", setup=subscribers.register)


def _send_push(url: str, body: bytes, headers: Mapping[str, str]) -> int:
    """A Web Push message through the federation transport: the push endpoint is the browser's
    choice, so the address policy (no private or loopback address, https) applies to it."""
    from chalicelib.activitypub.errors import RemoteFetchError
    from chalicelib.activitypub.net.transport import post_bytes

    try:
        return post_bytes(url, body, headers)
    except RemoteFetchError as exc:
        return web_push.UNREACHABLE if exc.retryable else web_push.REFUSED


def _clock(context: Any) -> Callable[[], float]:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if callable(remaining):
        return lambda: float(remaining()) / 1000
    deadline = time.monotonic() + DEFAULT_SECONDS
    return lambda: deadline - time.monotonic()
