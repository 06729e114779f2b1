"""A remote video we mirror now plays another set of renditions (its origin publishes a video
from its first rendition on and adds the others as they finish): one work task brings our copy
up to date (mirror_schedule.run_resync), so that a player taking segments from our mirror finds
every rendition the origin's master playlist names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.store import actors, queues, redundancies

if TYPE_CHECKING:
    from chalicelib.domain import events

RESYNC_TASK = "resync-mirror"


def on_remote_video_stored(event: events.RemoteVideoStored) -> None:
    if not event.renditions_changed:
        return
    video_id = int(event.video.id)
    if redundancies.get(video_id, actors.server_actor_id()) is not None:
        queues.send_work([{"task": RESYNC_TASK, "video": video_id}])
