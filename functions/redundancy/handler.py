"""Scheduled entry point (EventBridge, hourly as PeerTube's redundancy check interval): mirror
the remote videos the administrator's strategies choose, refresh and drop our mirrors
(activitypub/mirror_schedule.py). A mirror may fetch a video again from its origin, which
stores it anew: its subscribers are registered like any function's that can emit."""

from __future__ import annotations

from typing import Any

from chalicelib import subscribers
from chalicelib.activitypub import mirror_schedule
from chalicelib.domain.oauth import utcnow
from chalicelib.observability import count
from functions.entry import lambda_entry


@lambda_entry(setup=subscribers.register)
def handle_schedule(event: dict[str, Any], context: Any) -> dict[str, int]:
    report = mirror_schedule.run(utcnow())
    count("MirrorsCreated", report.created)
    count("MirrorsFailed", report.failed)
    return {
        "created": report.created,
        "refreshed": report.refreshed,
        "dropped": report.dropped,
        "failed": report.failed,
    }
