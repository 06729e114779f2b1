"""Scheduled entry point (EventBridge, hourly), the imports' periodic check: each channel
synchronisation gets a work task that imports its external channel's new videos
(domain/channel_syncs.py), and each import whose download died (processing past the import
timeout) a work task that fails it (domain/video_imports.py `sweep`), after the one-off
backfill of the processing list has put older imports on it (domain/import_backfill.py)."""

from __future__ import annotations

from typing import Any

from chalicelib import subscribers
from chalicelib.config import get_settings
from chalicelib.domain import channel_syncs, import_backfill, video_imports
from chalicelib.domain.oauth import utcnow
from functions.entry import lambda_entry


# The check only queues tasks, but it imports the import use cases, which can emit events.
@lambda_entry(subscribers.register)
def handle_schedule(event: dict[str, Any], context: Any) -> dict[str, int]:
    settings, now = get_settings(), utcnow()
    queued = channel_syncs.check_all(settings, now)
    relisted = import_backfill.run(now)  # before the sweep, which then finds them
    return {"queued": queued, "relisted": relisted, "abandoned": video_imports.sweep(settings, now)}
