"""Scheduled entry point (EventBridge, every minute, only when TrackerMaxTasks is above 1):
the tracker's active shards follow its connections (chalicelib/domain/tracker_scaler.py)."""

from __future__ import annotations

from typing import Any

from chalicelib.config import get_settings
from chalicelib.domain import tracker_scaler
from chalicelib.domain.oauth import utcnow
from functions.entry import lambda_entry


@lambda_entry()
def handle_schedule(event: dict[str, Any], context: Any) -> dict[str, Any]:
    decision = tracker_scaler.scale(get_settings(), utcnow())
    if decision is None:
        return {"acted": False}
    return {
        "acted": True,
        "active": decision.state.active,
        "phase": decision.state.phase,
        "started": list(decision.start),
        "stopped": list(decision.stop),
        "reason": decision.reason,
    }
