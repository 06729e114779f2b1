"""A viewer's watch sections, as PeerTube keeps them for its statistics: the stretches of
the video it played, from which its watch time and the video's retention are drawn.

PeerTube's rules: a seek, or a position before the current section's start, opens a new
section; any other ping moves the current section's end to the position. Pings are hostile
input here too, so an end only moves forward as far as the clock allows since the previous
ping (as domain/views.py counts watch time), and a viewer keeps at most 100 sections
(PeerTube's MAX_LOCAL_VIEWER_WATCH_SECTIONS; further seeks are not recorded).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.store.models import Watch

MAX_SECTIONS = 100
MAX_PLAYBACK_RATE = 4.0  # the fastest a player plays
CLOCK_SLACK = 5.0  # seconds; network jitter and the first buffering


def pairs(flat: list[float] | None) -> list[tuple[float, float]]:
    """The sections as (start, end) pairs."""
    values = [float(value) for value in (flat or [])]
    return [(values[index], values[index + 1]) for index in range(0, len(values) - 1, 2)]


def extend(watch: Watch, position: int, seek: bool, now: datetime) -> None:
    """Record one ping (before `watch.updated_at` moves to `now`)."""
    sections = pairs(watch.sections)
    if not sections:
        sections = [(float(position), float(position))]
    start, end = sections[-1]
    if seek or position < start:
        if len(sections) < MAX_SECTIONS:
            sections.append((float(position), float(position)))
    else:
        elapsed = max((now - watch.updated_at).total_seconds(), 0.0)
        allowed = float(int(elapsed * MAX_PLAYBACK_RATE + CLOCK_SLACK))
        sections[-1] = (start, min(float(position), end + allowed))
    watch.sections = [value for section in sections for value in section]


def watch_time(flat: list[float] | None) -> int:
    """Seconds watched: the sections' lengths summed, as PeerTube's watchTime."""
    return int(sum(end - start for start, end in pairs(flat)))


def retention_step(duration: int) -> int:
    """PeerTube's retention points are every max(round(duration / 100), 1) seconds."""
    return max(round(duration / 100), 1)


def retention_points(flat: list[float] | None, duration: int) -> set[int]:
    """The retention points (0, step, ... up to the duration) some section covers."""
    step = retention_step(duration)
    covered: set[int] = set()
    for start, end in pairs(flat):
        point = max(math.ceil(start / step), 0) * step
        while point <= end and point <= duration:
            covered.add(point)
            point += step
    return covered
