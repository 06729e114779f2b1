"""The player's playback metrics (PeerTube's POST /api/v1/metrics/playback), kept as a
video's quality-of-experience figures (docs/stats.md).

PeerTube's player reports every `openTelemetry.metrics.playbackStatsInterval` (15 s) what
happened since its previous report: resolution changes, errors, bytes by HTTP and P2P.
Cirrus also takes, as Mux does, the startup time (ms from play to the first frame, in the
first report of a playback) and rebuffering (stalls and their duration, ms). PeerTube only
exports them to OpenTelemetry; Cirrus adds them to the video's daily and whole-life figures.

Reports are hostile input: each figure is capped at what one interval could hold, one
viewer counts once per REPORT_SLOT_SECONDS (a flood of reports adds one), and an address
may send PLAYBACK_METRICS reports a minute (429 beyond).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.domain import rate_limits
from chalicelib.domain.validation import Checks
from chalicelib.store import video_stats

if TYPE_CHECKING:
    from chalicelib.domain.video_stats import Window
    from chalicelib.store.models import Video

PLAYER_MODES = ("p2p-media-loader", "web-video")
REPORT_SLOT_SECONDS = 10  # under the player's 15 s, so that every honest report counts
SESSION_ID = re.compile(r"^[A-Za-z0-9-]{1,100}$")
# What one report may claim, at most (larger values are cut down to these).
CAPS = {
    "resolutionChanges": 100,
    "errors": 100,
    "downloadedBytesHTTP": 2**30,
    "downloadedBytesP2P": 2**30,
    "uploadedBytesP2P": 2**30,
    "startupTime": 120_000,
    "rebufferingCount": 100,
    "rebufferingDuration": 60_000,
}
_REQUIRED = ("resolutionChanges", "errors", "downloadedBytesP2P", "downloadedBytesHTTP", "uploadedBytesP2P")
_OPTIONAL = ("startupTime", "rebufferingCount", "rebufferingDuration")
# The day's and the video's attributes each figure adds to (store/video_stats.py).
_ATTRIBUTES = {
    "resolutionChanges": "q_resolution_changes",
    "errors": "q_errors",
    "downloadedBytesHTTP": "q_http_bytes",
    "downloadedBytesP2P": "q_p2p_bytes",
    "uploadedBytesP2P": "q_p2p_uploaded",
    "rebufferingCount": "q_rebuffers",
    "rebufferingDuration": "q_rebuffer_ms",
}


@dataclass(frozen=True)
class Report:
    video_id: str
    player_mode: str
    session_id: str | None
    figures: dict[str, int]  # capped, by PeerTube's (and Cirrus's) field names


def read_report(body: dict[str, Any]) -> Report:
    """PeerTube's playbackMetricCreateValidator's checks, and Cirrus's extra fields."""
    checks = Checks()
    if body.get("playerMode") not in PLAYER_MODES:
        checks.add("playerMode", "Invalid value")
    for name in ("resolution", "fps", "p2pPeers"):
        if body.get(name) is not None and _count(body.get(name)) is None:
            checks.add(name, "Invalid value")
    if not isinstance(body.get("p2pEnabled"), bool):
        checks.add("p2pEnabled", "Invalid value")
    figures: dict[str, int] = {}
    for name in (*_REQUIRED, *_OPTIONAL):
        value = body.get(name)
        if value is None and name in _OPTIONAL:
            continue
        number = _count(value)
        if number is None:
            checks.add(name, "Invalid value")
        else:
            figures[name] = min(number, CAPS[name])
    video_id = body.get("videoId")
    if not isinstance(video_id, (str, int)) or isinstance(video_id, bool) or not str(video_id):
        checks.add("videoId", "Invalid value")
    session_id = body.get("sessionId")
    if session_id is not None and not (isinstance(session_id, str) and SESSION_ID.match(session_id)):
        checks.add("sessionId", "Invalid value")
    checks.raise_if_any()
    return Report(str(video_id), str(body["playerMode"]), session_id, figures)


def record(video: Video, viewer: str, address: str, report: Report, now: datetime) -> bool:
    """Add `report` to the video's figures; False when its viewer already counted in this slot."""
    rate_limits.count_attempt(rate_limits.PLAYBACK_METRICS, address, now.timestamp())
    adds = {attribute: report.figures.get(name, 0) for name, attribute in _ATTRIBUTES.items()}
    adds["q_reports"] = 1
    if "startupTime" in report.figures:
        adds["q_startups"] = 1
        adds["q_startup_ms"] = report.figures["startupTime"]
    slot = int(now.timestamp()) // REPORT_SLOT_SECONDS
    day = now.astimezone(UTC).strftime("%Y-%m-%d")
    return video_stats.record_playback(int(video.id), f"{viewer}#{slot}", day, adds, now)


def qoe(video: Video, window: Window, now: datetime) -> dict[str, Any]:
    """The video's quality of experience: Cirrus's own document (docs/stats.md)."""
    if window.start is None and window.end is None:
        figures = video_stats.read_total(int(video.id))
        watch_time = int(figures.get("wt", 0))
    else:
        first = (window.start or video.created_at).astimezone(UTC).strftime("%Y-%m-%d")
        last = (window.end or now).astimezone(UTC).strftime("%Y-%m-%d")
        figures = {}
        watch_time = 0
        for day in video_stats.read_days(int(video.id), first, last).values():
            watch_time += int(day.get("wt", 0))
            for name, value in day.items():
                if name.startswith("q_") and isinstance(value, int):
                    figures[name] = figures.get(name, 0) + value
    startups = int(figures.get("q_startups", 0))
    rebuffer_ms = int(figures.get("q_rebuffer_ms", 0))
    return {
        "reports": int(figures.get("q_reports", 0)),
        "startups": startups,
        "averageStartupTime": round(int(figures.get("q_startup_ms", 0)) / startups) if startups else None,
        "rebufferings": int(figures.get("q_rebuffers", 0)),
        "rebufferingDuration": rebuffer_ms,
        "rebufferingRatio": rebuffer_ms / 1000 / watch_time if watch_time else None,
        "errors": int(figures.get("q_errors", 0)),
        "resolutionChanges": int(figures.get("q_resolution_changes", 0)),
        "downloadedBytesHTTP": int(figures.get("q_http_bytes", 0)),
        "downloadedBytesP2P": int(figures.get("q_p2p_bytes", 0)),
        "uploadedBytesP2P": int(figures.get("q_p2p_uploaded", 0)),
    }


def _count(value: Any) -> int | None:
    """A whole number, at least 0 (JSON's 12.0 is 12)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and value >= 0:
        return value
    return None
