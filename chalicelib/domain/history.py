"""Watch history (PeerTube's users/me/history/videos): where a logged-in user is in each video
they watched, moved forward by the player's pings while the user's `videosHistoryEnabled` is
on. Turning it off stops recording and keeps what was recorded, as in PeerTube.

A ping costs at most one extra write, and not every ping: a viewer's history is written when
the previous write is HISTORY_EVERY old (the player pings every 5 seconds), or at a seek.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.domain import browse, muting
from chalicelib.domain.video_lists import Scope, VideoFilter
from chalicelib.errors import ValidationError
from chalicelib.store import history

if TYPE_CHECKING:
    from chalicelib.domain.browse import VideoPage
    from chalicelib.store.models import User, Watch

HISTORY_EVERY = timedelta(seconds=10)


def records_for(user: User | None) -> bool:
    return user is not None and user.videos_history_enabled is not False


def due(watch: Watch, seek: bool, now: datetime) -> bool:
    """Whether this ping moves the history forward (the caller then writes it once the watch
    is saved)."""
    return seek or watch.history_at is None or now - watch.history_at >= HISTORY_EVERY


def record(user: User, video_id: int, position: int, now: datetime) -> None:
    history.save_entry(int(user.id), video_id, position, now)


def current_time(user: User | None, video_id: int) -> int | None:
    """Where the user is in a video (`userHistory` of the video's details), None if nowhere."""
    if user is None:
        return None
    entry = history.find_entry(int(user.id), video_id)
    return int(entry.current_time) if entry is not None else None


def list_history(user: User, search: str | None, start: int, count: int, host: str) -> VideoPage:
    """The videos the user watched, last watched first, as lists show them: a video the user
    may no longer list (made private, unpublished, its owner blocked, deleted) is left out."""
    muted = muting.for_viewer(user)
    filters = VideoFilter(
        search=search or None,
        muted_account_ids=muted.account_ids or None,
        muted_hosts=muted.hosts or None,
    )
    order = [int(entry.video_id) for entry in history.list_entries(int(user.id))]
    return browse.list_in_order(order, Scope(viewer_logged_in=True), filters, start, count, host)


def watched_video_ids(user: User) -> frozenset[int]:
    """`excludeAlreadyWatched`: every video in the user's history."""
    return frozenset(int(entry.video_id) for entry in history.list_entries(int(user.id)))


def remove_video(user: User, video_id: str) -> None:
    if not video_id.isdigit() or len(video_id) > 12:
        raise ValidationError({"videoId": "Invalid value"})
    history.delete_entry(int(user.id), int(video_id))


def remove_before(user: User, body: dict[str, Any]) -> int:
    """Clear the history, or only what was watched before `beforeDate`; how many entries went."""
    before = _date(body.get("beforeDate"))
    entries = history.list_entries(int(user.id))
    return history.delete_entries(e for e in entries if before is None or e.updated_at < before)


def _date(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return moment
    raise ValidationError({"beforeDate": "Invalid value"})
