"""Videos as the transcoder leaves them, written straight to the store: list, search and
rating tests need many videos in known states, and transcoding each would take minutes.
The upload path itself is driven end to end in tests/e2e and tests/integration/test_transcoding*."""

from __future__ import annotations

import uuid as uuid_module
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.config import get_settings
from chalicelib.store import counters, videos
from chalicelib.store.models import Video

BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)


def add_video(account_id: int, channel_id: int, name: str, *, minutes: int = 0, **fields: Any) -> Video:
    """A published public video (override any attribute), published `minutes` after BASE_TIME."""
    video_id = counters.next_id("video")
    video_uuid = str(uuid_module.uuid4())
    when = BASE_TIME + timedelta(minutes=minutes)
    values: dict[str, Any] = {
        "id": video_id,
        "uuid": video_uuid,
        "name": name,
        "channel_id": channel_id,
        "account_id": account_id,
        "url": f"{get_settings().instance_url}/videos/watch/{video_uuid}",
        "privacy": 1,
        "state": 1,
        "stage": "done",
        "wait_transcoding": True,
        "duration": 60,
        "aspect_ratio": 1.7778,
        "created_at": when,
        "updated_at": when,
        "published_at": when,
        **fields,
    }
    video = Video(f"VIDEO#{video_id}", "ENTITY", **values)
    videos.create_video(video)
    return video
