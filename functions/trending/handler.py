"""Scheduled entry point (EventBridge, hourly): recompute each video's trending score."""

from __future__ import annotations

from typing import Any

from chalicelib.domain import trending
from chalicelib.domain.oauth import utcnow
from chalicelib.observability import count
from chalicelib.store import catalog
from functions.entry import lambda_entry


@lambda_entry()
def handle_schedule(event: dict[str, Any], context: Any) -> dict[str, int]:
    current = {video_id: int(video.trending or 0) for video_id, video in catalog.current().videos.items()}
    updates = trending.refresh(current, utcnow())
    count("TrendingScoresChanged", len(updates))
    return {"changed": len(updates)}
