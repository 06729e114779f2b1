"""Lambda entry point run every two minutes: remote runner jobs without news for the stall time
(CIRRUS_RUNNER_STALL_SECONDS, PeerTube's 2 minutes) go back to pending for another runner, and,
when the administrator set a Lambda fallback, jobs no runner took in time go to the transcode
queue (straight to it: sending them through the dispatch would make them jobs again)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib import subscribers
from chalicelib.domain import runner_jobs
from chalicelib.observability import count
from chalicelib.store import queues
from functions.entry import lambda_entry


@lambda_entry(subscribers.register)
def handle_schedule(event: dict[str, Any], context: Any) -> dict[str, int]:
    now = datetime.now(UTC)
    moved = runner_jobs.sweep_stalled(now)
    if moved:
        count("RunnerJobsStalled", moved)
    taken_back = runner_jobs.fall_back_to_lambda(now)
    if taken_back:
        queues.send_transcode_steps([step.to_message() for step in taken_back])
        count("RunnerJobsToLambda", len(taken_back))
    return {"stalled": moved, "toLambda": len(taken_back)}
