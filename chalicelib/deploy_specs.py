"""What the deployed stack is made of besides its code: the work queues with their
dead-letter queues and consumers, the schedules and the upload triggers. Pure data.

template.yaml and the CDK app (infra/cdk_app.py) declare these resources, and tests/infra
keeps both in step with this module; the embedded stack (local/resources.py, local/stack.py)
creates and runs the same ones. It sits in chalicelib, not local/, because local/ is never
shipped and infra/ must not depend on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

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
RUNNER_STALLS_HANDLER = "functions.runners.stalls:handle_schedule"
CHANNEL_SYNC_HANDLER = "functions.channel_sync.handler:handle_schedule"
REDUNDANCY_HANDLER = "functions.redundancy.handler:handle_schedule"


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
        # Remote runner jobs without news back to pending (functions/runners/stalls.py).
        ScheduleSpec("runners", RUNNER_STALLS_HANDLER, rate_minutes=2, timeout=60, memory=256),
        # A work task per channel synchronisation (domain/channel_syncs.py), hourly as PeerTube's
        # check_interval.
        ScheduleSpec("channelsync", CHANNEL_SYNC_HANDLER, rate_minutes=60, timeout=60, memory=256),
        # Mirrors of other instances' videos (functions/redundancy/handler.py), hourly as
        # PeerTube's redundancy check interval; a fragmented MP4 is held in memory to be checked.
        ScheduleSpec("redundancy", REDUNDANCY_HANDLER, rate_minutes=60, timeout=900, memory=2048),
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
