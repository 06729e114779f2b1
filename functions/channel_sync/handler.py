"""Scheduled entry point (EventBridge, hourly), the imports' periodic check: each channel
synchronisation gets a work task that imports its external channel's new videos
(domain/channel_syncs.py), and each import whose download died (processing past the import
timeout) a work task that fails it (domain/video_imports.py `sweep`)."""

from __future__ import annotations

from typing import Any

from chalicelib import subscribers
from chalicelib.config import get_settings
from chalicelib.domain import channel_syncs, video_imports
from chalicelib.domain.oauth import utcnow
from functions.entry import lambda_entry


# The check only queues tasks, but it imports the import use cases, which can emit events.
@lambda_entry(subscribers.register)
def handle_schedule(event: dict[str, Any], context: Any) -> dict[str, int]:
    settings, now = get_settings(), utcnow()
    return {"queued": channel_syncs.check_all(settings, now), "abandoned": video_imports.sweep(settings, now)}
