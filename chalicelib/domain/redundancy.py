"""Mirroring other instances' videos (PeerTube's videos redundancy): the administrator's
strategies, and which remote videos each strategy would mirror now.

Strategies are PeerTube's (`most-views`, `trending`, `recently-added` with `minViews`), each
with a size budget (bytes) and a minimum lifetime (milliseconds: a mirror is promised, and
kept, at least that long). They are set in the custom configuration under
`redundancy.videos.strategies` (PeerTube sets them in its YAML file). Candidates are public,
published remote videos of the followed instances whose mirroring the administrator allowed,
read from the in-memory catalogue (no Scan).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from chalicelib.errors import ValidationError
from chalicelib.store.models.video import PRIVACY_PUBLIC, STATE_PUBLISHED
from chalicelib.store.models.video_redundancy import MANUAL, STRATEGIES

if TYPE_CHECKING:
    from chalicelib.store.models import Actor, Video, VideoRedundancy

MAX_STRATEGIES = len(STRATEGIES)


@dataclass(frozen=True)
class Strategy:
    name: str  # one of STRATEGIES
    size: int  # bytes all of its mirrors may take together
    min_lifetime_ms: int
    min_views: int = 0  # recently-added only


def read_strategies(custom: Mapping[str, Any]) -> list[Strategy]:
    """The strategies of a custom configuration document (validated when it was stored)."""
    raw = ((custom.get("redundancy") or {}).get("videos") or {}).get("strategies") or []
    return [
        Strategy(str(s["strategy"]), int(s["size"]), int(s["minLifetime"]), int(s.get("minViews") or 0)) for s in raw
    ]


def check_strategies(value: Any) -> None:
    """PUT /config/custom's `redundancy.videos.strategies`: a list of PeerTube's strategies,
    each named once, with a positive size and minimum lifetime."""
    problem = _strategies_problem(value)
    if problem:
        raise ValidationError({"redundancy.videos.strategies": problem})


def _strategies_problem(value: Any) -> str | None:
    if not isinstance(value, list) or len(value) > MAX_STRATEGIES:
        return f"Should be a list of at most {MAX_STRATEGIES} strategies"
    names = [item.get("strategy") if isinstance(item, dict) else None for item in value]
    if any(name not in STRATEGIES for name in names) or len(set(names)) != len(names):
        return f"Each strategy should be one of {', '.join(STRATEGIES)}, named once"
    for item in value:
        for field in ("size", "minLifetime"):
            number = item.get(field)
            if not isinstance(number, int) or isinstance(number, bool) or number <= 0:
                return f"{field} should be a positive integer"
        views = item.get("minViews", 0)
        if not isinstance(views, int) or isinstance(views, bool) or views < 0:
            return "minViews should be a non-negative integer"
    return None


def candidates(
    strategy: Strategy, videos: Iterable[Video], actors: Mapping[int, Actor], allowed_hosts: set[str]
) -> list[Video]:
    """The videos `strategy` would mirror, best first (PeerTube picks at random among the top
    few; Cirrus takes them in order, so that a run is reproducible)."""
    eligible = [
        video
        for video in videos
        if not video.is_local
        and int(video.privacy) == PRIVACY_PUBLIC
        and int(video.state) == STATE_PUBLISHED
        and _host(video, actors) in allowed_hosts
    ]
    if strategy.name == "most-views":
        eligible.sort(key=lambda v: (-int(v.views or 0), int(v.id)))
    elif strategy.name == "trending":
        eligible.sort(key=lambda v: (-int(v.trending or 0), int(v.id)))
    else:
        eligible = [v for v in eligible if int(v.views or 0) >= strategy.min_views]
        eligible.sort(key=lambda v: (v.published_at or v.created_at, int(v.id)), reverse=True)
    return eligible


def stats(strategies: list[Strategy], ours: list[VideoRedundancy]) -> list[dict[str, Any]]:
    """PeerTube's `videosRedundancy` of the server stats: per configured strategy and for
    manual mirrors, the bytes used, the videos mirrored, and the budget (None for manual).
    Each mirror is one HLS playlist, counted as one video file as PeerTube counts it."""
    figures = []
    for name, budget in [*((s.name, s.size) for s in strategies), (MANUAL, None)]:
        mine = [item for item in ours if item.strategy == name]
        figures.append(
            {
                "strategy": name,
                "totalSize": budget,
                "totalUsed": sum(int(item.size or 0) for item in mine),
                "totalVideos": len(mine),
                "totalVideoFiles": len(mine),
            }
        )
    return figures


def is_strategy(name: str) -> bool:
    return name in STRATEGIES or name == MANUAL


def _host(video: Video, actors: Mapping[int, Actor]) -> str:
    channel = actors.get(int(video.channel_id))
    return str(channel.host or "").lower() if channel is not None else ""
