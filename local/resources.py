"""The AWS resources of one Cirrus instance, as the embedded stack creates them.

These mirror template.yaml (tests/infra/test_template.py keeps the two in step): the main
table, the media and uploads buckets, and the work queues with their dead-letter queues.
Creation is idempotent, so it runs at every start, over restored data too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.store import table

if TYPE_CHECKING:
    from chalicelib.config import Settings


@dataclass(frozen=True)
class QueueSpec:
    """A work queue, its dead-letter queue, and the function that consumes it.

    `function` names the consumer: a Chalice `lambda_function` of app.py by its name, or a
    handler outside the app as `module:function` (the transcoder), or None while no
    consumer exists yet. The visibility timeout is six times the function's timeout, as
    AWS advises for SQS event sources, and is how long a failed message waits to be retried.
    """

    key: str
    name: str
    function_timeout: int
    max_receive_count: int
    batch_size: int
    function: str | None = None

    @property
    def dlq_name(self) -> str:
        return f"{self.name}-dlq"

    @property
    def visibility_timeout(self) -> int:
        return 6 * self.function_timeout


# Messages in a dead-letter queue are kept for 14 days, SQS's maximum, for inspection.
DLQ_RETENTION_SECONDS = 14 * 24 * 3600


TRANSCODER_STEP_HANDLER = "functions.transcoder.handler:handle_step"
TRANSCODER_UPLOAD_HANDLER = "functions.transcoder.handler:handle_upload"
VIEWS_HANDLER = "functions.views.handler:handle_views"
TRENDING_HANDLER = "functions.trending.handler:handle_schedule"
SWEEPER_HANDLER = "functions.transcoder.sweeper:handle_schedule"
REALTIME_PINGER_HANDLER = "functions.realtime.handler:handle_schedule"
BROADCAST_HANDLER = "functions.federation.broadcast:handle_broadcast"
DELIVER_HANDLER = "functions.federation.deliver:handle_deliver"
INBOX_HANDLER = "functions.federation.inbox:handle_inbox"
WORK_HANDLER = "functions.work.handler:handle_work"


@dataclass(frozen=True)
class ScheduleSpec:
    """A function run on a fixed rate (an EventBridge schedule in template.yaml)."""

    name: str
    handler: str  # module:function
    rate_minutes: int
    timeout: int
    memory: int = 512
    ffmpeg: bool = False  # needs the ffmpeg layer


def schedule_specs() -> list[ScheduleSpec]:
    return [
        ScheduleSpec("trending", TRENDING_HANDLER, rate_minutes=60, timeout=300),
        # Stalled videos resumed or failed (functions/transcoder/sweeper.py).
        ScheduleSpec("sweeper", SWEEPER_HANDLER, rate_minutes=30, timeout=900, memory=1024, ffmpeg=True),
        # Engine.IO pings to every real-time connection (functions/realtime/handler.py), at
        # chalicelib/api/realtime.py's PING_EVERY_MINUTES.
        ScheduleSpec("pinger", REALTIME_PINGER_HANDLER, rate_minutes=5, timeout=120, memory=512),
    ]


@dataclass(frozen=True)
class UploadTrigger:
    """An S3 ObjectCreated notification to a handler, for keys under `prefix`."""

    bucket: str
    prefix: str
    handler: str  # module:function
    timeout: int
    on_failure: str | None = None  # the queue (by QueueSpec key) of events it failed on every try


def upload_triggers(settings: Settings) -> list[UploadTrigger]:
    from chalicelib.media.layout import SOURCE_PREFIX

    return [
        UploadTrigger(
            settings.uploads_bucket, SOURCE_PREFIX, TRANSCODER_UPLOAD_HANDLER, timeout=300, on_failure="transcode"
        )
    ]


def queue_specs(settings: Settings) -> list[QueueSpec]:
    queues = settings.queues
    return [
        QueueSpec(
            "transcode",
            queues.transcode,
            function_timeout=900,
            max_receive_count=3,
            batch_size=1,
            function=TRANSCODER_STEP_HANDLER,
        ),
        # One activity's audience, expanded into one delivery message per inbox.
        QueueSpec(
            "broadcast",
            queues.broadcast,
            function_timeout=60,
            max_receive_count=3,
            batch_size=10,
            function=BROADCAST_HANDLER,
        ),
        # One signed POST each; failures come back after an exponential backoff.
        QueueSpec(
            "deliver",
            queues.deliver,
            function_timeout=30,
            max_receive_count=settings.federation.delivery_attempts,
            batch_size=10,
            function=DELIVER_HANDLER,
        ),
        # Activities whose signatures held, processed once each.
        QueueSpec(
            "inbox",
            queues.inbox,
            function_timeout=60,
            max_receive_count=5,
            batch_size=10,
            function=INBOX_HANDLER,
        ),
        # Counted views, gathered by SQS's batching window into one write per video per batch.
        QueueSpec(
            "views", queues.views, function_timeout=60, max_receive_count=5, batch_size=100, function=VIEWS_HANDLER
        ),
        # Long work off the request path: deleting accounts and channels video by video
        # (resumable, continued in new messages), resolving remote channels to follow.
        # One task per invocation, so that each has the function's whole time.
        QueueSpec("work", queues.work, function_timeout=300, max_receive_count=5, batch_size=1, function=WORK_HANDLER),
    ]


def bucket_names(settings: Settings) -> list[str]:
    return [settings.media_bucket, settings.uploads_bucket]


def provision(settings: Settings, s3: Any, sqs: Any) -> dict[str, str]:
    """Create what is missing; return the queue URLs by queue name (DLQs included)."""
    table.bind(settings)
    table.create_table()
    for bucket in bucket_names(settings):
        _ensure_bucket(s3, bucket, settings.aws_region)
    urls: dict[str, str] = {}
    for spec in queue_specs(settings):
        urls.update(ensure_queue(sqs, spec))
    return urls


def ensure_queue(sqs: Any, spec: QueueSpec) -> dict[str, str]:
    """Create a queue and its DLQ with the redrive policy; return both URLs by name."""
    dlq_url = sqs.create_queue(
        QueueName=spec.dlq_name,
        Attributes={"MessageRetentionPeriod": str(DLQ_RETENTION_SECONDS)},
    )["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    attributes = {
        "VisibilityTimeout": str(spec.visibility_timeout),
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": spec.max_receive_count}),
    }
    url = sqs.create_queue(QueueName=spec.name)["QueueUrl"]
    # create_queue refuses different attributes on an existing queue, so set them apart.
    sqs.set_queue_attributes(QueueUrl=url, Attributes=attributes)
    return {spec.name: url, spec.dlq_name: dlq_url}


def _ensure_bucket(s3: Any, bucket: str, region: str) -> None:
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    if bucket in existing:
        return
    if region == "us-east-1":
        s3.create_bucket(Bucket=bucket)
    else:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
