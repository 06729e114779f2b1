"""Lambda entry point run every two minutes: remote runner jobs without news for the stall time
(CIRRUS_RUNNER_STALL_SECONDS, PeerTube's 2 minutes) go back to pending for another runner."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib import subscribers
from chalicelib.domain import runner_jobs
from chalicelib.observability import count
from functions.entry import lambda_entry


@lambda_entry(subscribers.register)
def handle_schedule(event: dict[str, Any], context: Any) -> dict[str, int]:
    moved = runner_jobs.sweep_stalled(datetime.now(UTC))
    if moved:
        count("RunnerJobsStalled", moved)
    return {"stalled": moved}
