"""Counting views as PeerTube does (lib/views): a viewer counts once per video per hour, after
watching enough of it; the player's pings tell how much. Views of this instance's videos
counted by other instances (their View activities) count here too, once each.

Pings are hostile input: a position that jumps further than the player could have played
since the previous ping only counts for what the clock allows, so a script cannot make a
view out of two pings sent at once.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.domain import history, live_viewers, watch_sections
from chalicelib.domain.validation import Checks
from chalicelib.errors import BadRequestError
from chalicelib.store import queues, views
from chalicelib.store.views import CountedView

if TYPE_CHECKING:
    from chalicelib.store.models import User, Video, Watch

VIEW_LIFETIME = timedelta(hours=1)  # PeerTube's views.videos.view_expiration
COUNT_VIEW_AFTER = 10.0  # seconds watched; PeerTube's views.videos.count_view_after
MAX_PLAYBACK_RATE = 4.0  # the fastest a player plays, for the clock check
CLOCK_SLACK = 5.0  # seconds; network jitter and the first buffering
SESSION_ID = re.compile(r"^[A-Za-z0-9-]{1,100}$")
INTEGER = re.compile(r"^-?\d+")


@dataclass(frozen=True)
class Ping:
    position: int
    seek: bool
    session_id: str | None
    # What the player says it runs on (PeerTube's player sends them); None when it does not.
    client: str | None = None
    device: str | None = None
    operating_system: str | None = None


def read_ping(body: dict[str, Any]) -> Ping:
    checks = Checks()
    position = _integer(body.get("currentTime"))
    if position is None:
        checks.add("currentTime", "Invalid value")
    session_id = body.get("sessionId")
    if session_id is not None and not (isinstance(session_id, str) and SESSION_ID.match(session_id)):
        checks.add("sessionId", "Invalid value")
    event = body.get("viewEvent")
    if event is not None and event != "seek":
        checks.add("viewEvent", "Invalid value")
    for field in ("client", "device", "operatingSystem"):
        value = body.get(field)
        if value is not None and not (isinstance(value, str) and 1 <= len(value) <= 200):
            checks.add(field, "Invalid value")
    checks.raise_if_any()
    return Ping(
        int(position or 0),
        event == "seek",
        session_id,
        body.get("client"),
        body.get("device"),
        body.get("operatingSystem"),
    )


def check_position(video: Video, position: int) -> None:
    duration = int(video.duration or 0)
    if position < 0 or (duration and position > duration):
        raise BadRequestError(f"Current time {position} is invalid (video {video.uuid} duration: {duration})")


def viewer_key(session_id: str | None, address: str) -> str:
    """Who is watching, without storing who: PeerTube trusts the player's session id by
    default, and falls back to the address."""
    return hashlib.sha256(f"viewer:{session_id or address}".encode()).hexdigest()[:40]


@dataclass(frozen=True)
class PingOutcome:
    counted: CountedView | None = None  # the view this ping completed
    joined_live: bool = False  # the viewer's first ping of this minute on a live on air
    watch: Watch | None = None  # the viewer's state as saved, for the statistics


@dataclass(frozen=True)
class Viewing:
    """Where and with what a viewer watches, as its request tells (statistics only)."""

    country: str | None = None
    subdivision: str | None = None
    client: str | None = None
    device: str | None = None
    operating_system: str | None = None


def record_ping(
    video: Video, viewer: str, ping: Ping, now: datetime, user: User | None = None, viewing: Viewing | None = None
) -> PingOutcome:
    """Advance the viewer's watch: the view to count when this ping completes one, and
    whether it makes the viewer one of a live's viewers this minute; and the history of
    `user`, the logged-in viewer, now and then. A ping that loses a race with the same
    viewer's other ping is dropped (the next one catches up)."""
    video_id = int(video.id)
    watch = views.get_watch(video_id, viewer)
    previous = int(watch.pings) if watch is not None else None
    if watch is None or _expired(watch, now):
        watch = views.new_watch(video_id, viewer, ping.position, now)
        _begin_window(watch, ping, now, viewing or Viewing())
    else:
        if watch.started_at is None:
            watch.started_at = now  # a window begun before the statistics: from now on, one window
        watch_sections.extend(watch, ping.position, ping.seek, now)
        advance(watch, ping, now)
    counted = None
    if watch.counted_at is None and enough_watched(float(watch.watch_time), int(video.duration or 0)):
        watch.counted_at = now
        counted = CountedView(str(uuid.uuid4()), video_id, now, bool(video.is_local))
    minute = live_viewers.minute_of(now)
    joined = live_viewers.counts(video) and watch.live_minute != minute
    if joined:
        watch.live_minute = minute
    watch.updated_at = now
    to_history = user if history.records_for(user) and history.due(watch, ping.seek, now) else None
    if to_history is not None:
        watch.history_at = now
    if not views.save_watch(watch, previous, now + VIEW_LIFETIME):
        return PingOutcome()
    if to_history is not None:
        history.record(to_history, video_id, ping.position, now)
    if joined:
        live_viewers.joined(video, minute, now)
    return PingOutcome(counted, joined, watch)


def _begin_window(watch: Watch, ping: Ping, now: datetime, viewing: Viewing) -> None:
    watch.started_at = now
    watch.sections = [float(ping.position), float(ping.position)]
    watch.country = viewing.country
    watch.subdivision = viewing.subdivision
    watch.client = viewing.client
    watch.device = viewing.device
    watch.operating_system = viewing.operating_system


def count_remote_view(video: Video, activity_id: str, now: datetime) -> None:
    """A View from another instance: one counted view, whatever the times it is delivered
    (its receipt is keyed by the activity's id)."""
    view_id = "ap-" + hashlib.sha256(activity_id.encode("utf-8")).hexdigest()[:32]
    body = {"view": view_id, "video": int(video.id), "at": now.isoformat(), "local": True}
    queues.send_views([body])


def advance(watch: Watch, ping: Ping, now: datetime) -> None:
    """Add what was watched since the previous ping; a seek or a jump back starts a new
    section, as in PeerTube's watch sections."""
    last = float(watch.last_time)
    if not ping.seek and ping.position >= last:
        elapsed = max((now - watch.updated_at).total_seconds(), 0.0)
        watched = min(ping.position - last, elapsed * MAX_PLAYBACK_RATE + CLOCK_SLACK)
        watch.watch_time = float(watch.watch_time or 0) + watched
    watch.last_time = ping.position


def enough_watched(watch_time: float, duration: int) -> bool:
    """PeerTube's rule: 10 s, or more than half of a shorter video."""
    if duration <= 0 or duration >= COUNT_VIEW_AFTER:
        return watch_time >= COUNT_VIEW_AFTER
    return watch_time > duration / 2


def _expired(watch: Watch, now: datetime) -> bool:
    if watch.counted_at is not None and now - watch.counted_at >= VIEW_LIFETIME:
        return True  # counted an hour ago: this viewer may count again
    return now - watch.updated_at >= VIEW_LIFETIME


def _integer(value: Any) -> int | None:
    """PeerTube's toIntOrNull then isInt: whole numbers, and strings read as parseInt does."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)  # JSON has one number type: 12.0 is 12
    if isinstance(value, str):
        match = INTEGER.match(value.strip())
        return int(match.group()) if match else None
    return None
