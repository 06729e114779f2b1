"""PeerTube's job list (`/api/v1/jobs`) over Cirrus's work queues.

PeerTube keeps every job in Redis (BullMQ) and can list them in any state. Cirrus's jobs
are SQS messages: SQS counts them by state but lists none, and forgets a message once its
consumer deletes it. So, per state:

- waiting, active, delayed: the queue's counts (visible; received and not deleted, which
  includes a message waiting out its visibility timeout before a retry; sent with a delay).
  No items: reading them would receive them, and every receive counts towards the DLQ.
- completed: none. A handled message is deleted; the functions' logs tell what ran.
- failed: the dead-letter queue's messages, read by a sweep (store/job_queues.py), at
  most MAX_LISTED per queue, each with a retry that puts it back on its work queue.

One PeerTube job type per queue; the inbox and the work queue have no PeerTube equivalent
(PeerTube handles received activities in memory, and its many small job types are tasks of
Cirrus's one work queue: a failed task's `data.task` names it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from chalicelib.config import get_settings
from chalicelib.errors import NotFoundError
from chalicelib.store import job_queues

JOB_STATES = ("active", "completed", "failed", "waiting", "delayed")
# Each queue's job type, by QueueSpec key.
QUEUE_JOB_TYPES = {
    "transcode": "video-transcoding",
    "broadcast": "activitypub-http-broadcast",
    "deliver": "activitypub-http-unicast",
    "inbox": "activitypub-inbox",
    "views": "videos-views-stats",
    "work": "cirrus-work",
}
# PeerTube's job types (its `jobType` validator's list); those Cirrus has no queue for have
# no jobs.
PEERTUBE_JOB_TYPES = frozenset(
    {
        "activitypub-http-broadcast",
        "activitypub-http-broadcast-parallel",
        "activitypub-http-unicast",
        "activitypub-http-fetcher",
        "activitypub-cleaner",
        "activitypub-follow",
        "actor-keys",
        "video-file-import",
        "video-transcoding",
        "email",
        "video-import",
        "videos-views-stats",
        "videos-stats",
        "activitypub-refresher",
        "video-redundancy",
        "video-live-ending",
        "video-studio-edition",
        "manage-video-torrent",
        "move-to-object-storage",
        "move-to-file-system",
        "video-channel-import",
        "after-video-channel-import",
        "notify",
        "federate-video",
        "create-user-export",
        "import-user-archive",
        "video-transcription",
        "generate-video-storyboard",
        "transcoding-job-builder",
    }
)
JOB_TYPES = PEERTUBE_JOB_TYPES | set(QUEUE_JOB_TYPES.values())
# Dead letters read per queue for one list: a sweep costs two SQS calls per ten.
MAX_LISTED = 1000
FAILED_REASON = "Its last attempt failed and SQS moved it to the dead-letter queue; the function's logs say why."


@dataclass(frozen=True)
class Job:
    id: str
    state: str
    type: str
    data: dict[str, Any]
    error: str | None
    created_at: datetime | None
    processed_on: datetime | None
    finished_on: datetime | None


@dataclass(frozen=True)
class JobPage:
    total: int
    jobs: list[Job]


def list_jobs(state: str | None, job_type: str | None, start: int, count: int, oldest_first: bool) -> JobPage:
    """`state` one of JOB_STATES or None for all; `job_type` one of JOB_TYPES or None."""
    total = 0
    failed: list[Job] = []
    for spec in _queues(job_type):
        counts = job_queues.count_messages(spec.name)
        by_state = {
            "waiting": counts.waiting,
            "active": counts.active,
            "delayed": counts.delayed,
            "failed": counts.failed,
            "completed": 0,
        }
        total += sum(by_state.values()) if state is None else by_state[state]
        if state in (None, "failed") and counts.failed:
            failed += [_failed_job(spec, letter) for letter in job_queues.list_dead_letters(spec.name, MAX_LISTED)]
    failed.sort(key=lambda job: (job.created_at is not None, job.created_at, job.id), reverse=not oldest_first)
    return JobPage(total=total, jobs=failed[start : start + count])


def retry(job_id: str) -> None:
    """Put a failed job (a dead letter) back on its work queue; NotFoundError when it is not
    (or no longer) in the dead-letter queue."""
    job_type, _, message_id = job_id.partition(":")
    spec = next((s for s in _queues(job_type) if message_id), None)
    if spec is None or not job_queues.redrive_dead_letter(spec.name, message_id, MAX_LISTED):
        raise NotFoundError(f"Failed job {job_id} not found")


def pause() -> None:
    """Stop every queue's consumer (PeerTube pauses its whole job queue); messages wait."""
    job_queues.set_consumer_enabled([spec.name for spec in _consumed()], enabled=False)


def resume() -> None:
    job_queues.set_consumer_enabled([spec.name for spec in _consumed()], enabled=True)


@dataclass(frozen=True)
class _Queue:
    key: str
    name: str


def _consumed() -> list[_Queue]:
    # Every work queue has a consumer (deploy_specs.queue_specs, which tests/infra checks).
    return [_Queue(key, name) for key, name in get_settings().queues.by_key().items()]


def _queues(job_type: str | None) -> list[_Queue]:
    return [queue for queue in _consumed() if job_type is None or QUEUE_JOB_TYPES.get(queue.key) == job_type]


def _failed_job(spec: _Queue, letter: job_queues.DeadLetter) -> Job:
    job_type = QUEUE_JOB_TYPES.get(spec.key, spec.key)
    return Job(
        id=f"{job_type}:{letter.message_id}",
        state="failed",
        type=job_type,
        data=_data(letter.body),
        error=FAILED_REASON,
        created_at=letter.sent_at,
        processed_on=letter.first_received_at,
        finished_on=None,
    )


def _data(body: str) -> dict[str, Any]:
    try:
        parsed = json.loads(body)
    except ValueError:
        return {"body": body}
    return parsed if isinstance(parsed, dict) else {"body": parsed}
