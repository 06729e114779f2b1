"""How many are watching a live, and telling them (PeerTube's `viewers` of a live and its
`views-change {viewers}` on `/live-videos`).

A viewer counts from its player's pings (POST /videos/{id}/views, every 5 s while playing),
once per minute (store/live_viewers.py). The figure goes to the live's watchers once a
minute, by the work function, when the first ping of a new minute arrives: a request never
pushes to a room of thousands, and a live nobody watches pushes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chalicelib.store import live_viewers, queues, realtime
from chalicelib.store.models.video_stages import STAGE_LIVE_ON

if TYPE_CHECKING:
    from chalicelib.store.models import TableItem, Video

TASK = "live-viewers"


def minute_of(now: datetime) -> int:
    return int(now.timestamp()) // 60


def counts(video: Video) -> bool:
    """Whether the video's pings make it viewers: a live on air."""
    return video.stage == STAGE_LIVE_ON


def joined(video: Video, minute: int, now: datetime) -> None:
    """A viewer's first ping of `minute` on a live on air."""
    if live_viewers.add_viewer(int(video.id), minute, now) == 1:
        queues.send_work([{"task": TASK, "video": int(video.id), "minute": minute}])


def viewers_of(video: Video, items: Iterable[TableItem], now: datetime) -> int:
    """The `viewers` of the video's JSON, from its partition's items (V8)."""
    return live_viewers.viewers_in(items, minute_of(now)) if counts(video) else 0


def run(task: dict[str, Any]) -> None:
    """The work task: push the live's viewers of the minute that just ended (or of this one,
    when more have come already) to everyone watching it."""
    video_id, minute = int(task["video"]), int(task["minute"])
    viewers = live_viewers.get_viewers(video_id, minute)
    realtime.publish_to_video(video_id, "views-change", {"viewers": viewers})
