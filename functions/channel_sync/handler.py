"""Scheduled entry point (EventBridge, hourly): each channel synchronisation gets a work task
that imports its external channel's new videos (domain/channel_syncs.py)."""

from __future__ import annotations

from typing import Any

from chalicelib import subscribers
from chalicelib.config import get_settings
from chalicelib.domain import channel_syncs
from chalicelib.domain.oauth import utcnow
from functions.entry import lambda_entry


# The check only queues tasks, but it imports the import use cases, which can emit events.
@lambda_entry(subscribers.register)
def handle_schedule(event: dict[str, Any], context: Any) -> dict[str, int]:
    return {"queued": channel_syncs.check_all(get_settings(), utcnow())}
