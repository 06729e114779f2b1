"""A live's news to the people watching it, over the realtime channel: PeerTube's
`/live-videos` namespace, whose clients subscribe by the video's numeric id and reload the
video on `state-change` (docs/realtime.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.store import realtime

if TYPE_CHECKING:
    from chalicelib.domain.events import LiveStateChanged


def tell_viewers(video_id: int, state: int) -> None:
    realtime.publish_to_video(video_id, "state-change", {"state": state})


def on_state_changed(event: LiveStateChanged) -> None:
    tell_viewers(event.video_id, event.state)
