"""A video's statistics for its owner (PeerTube's /videos/{id}/stats/*): who watched, how
long, from where, with what, and how far into the video (docs/stats.md).

PeerTube's unit is the viewer window: one viewer's pings on one video until it has been
silent an hour, with its first and last ping, its watch sections and its country. Each
ping's state of the window travels on the views queue (`viewer_message`) and the
consumer adds its difference to hourly, daily and whole-life counters
(store/video_stats.py); the routes here only read those counters, never the pings.

Counting, with PeerTube's definitions at minute resolution:
- a viewer is present during every minute from its window's first ping to its last;
- viewers over an interval are those present at some moment of it: those who began in it,
  plus those present at its first minute who began before;
- watch time is summed by the minute the window ended (PeerTube sums it by end date);
- the busiest minute is the viewers' peak, and its start is the peak's date.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.domain import user_agents, watch_sections
from chalicelib.domain.roles import Right
from chalicelib.domain.video_rights import manages
from chalicelib.errors import BadRequestError, ForbiddenError, ValidationError
from chalicelib.store import video_stats
from chalicelib.store.models.video_stages import STAGE_LIVE_ENDED, STAGE_LIVE_ON, STAGE_LIVE_WAITING
from chalicelib.store.video_stats import ViewerState

if TYPE_CHECKING:
    from chalicelib.store.models import User, Video, Watch

METRICS = ("viewers", "aggregateWatchTime", "downloads")
MAX_DAYS = 3650  # PeerTube's STATS_TIMESERIE.MAX_DAYS
VIEWER_KIND = "viewer"
_LIVE_STAGES = (STAGE_LIVE_WAITING, STAGE_LIVE_ON, STAGE_LIVE_ENDED)

# ---------------------------------------------------------------------------------------
# From pings to the queue, and from the queue to the counters


def viewer_message(video: Video, viewer: str, watch: Watch) -> dict[str, Any] | None:
    """The views queue's message carrying `watch`'s window as it stands; None for a video
    of another instance (PeerTube keeps statistics of its own videos only)."""
    if not video.is_local:
        return None
    started = watch.started_at or watch.updated_at
    ua = user_agents.UserAgent(watch.client, watch.device or "desktop", watch.operating_system)
    return {
        "kind": VIEWER_KIND,
        "video": int(video.id),
        "viewer": viewer,
        "window": started.isoformat(),
        "seq": int(watch.pings),
        "at": watch.updated_at.isoformat(),
        "watchTime": watch_sections.watch_time(watch.sections),
        "points": sorted(watch_sections.retention_points(watch.sections, int(video.duration or 0))),
        "country": watch.country,
        "subdivision": watch.subdivision,
        "client": ua.client,
        "device": ua.device,
        "operatingSystem": ua.operating_system,
    }


def read_viewer_message(body: dict[str, Any]) -> ViewerState:
    """A viewer message back (ValueError, KeyError or TypeError when it is none)."""
    return ViewerState(
        video_id=int(body["video"]),
        viewer=str(body["viewer"]),
        window=datetime.fromisoformat(body["window"]),
        seq=int(body["seq"]),
        end=datetime.fromisoformat(body["at"]),
        watch_time=max(int(body["watchTime"]), 0),
        points=frozenset(int(point) for point in body.get("points") or []),
        country=_text(body.get("country")),
        subdivision=_text(body.get("subdivision")),
        client=_text(body.get("client")),
        device=_text(body.get("device")),
        operating_system=_text(body.get("operatingSystem")),
    )


def count_download(video: Video, now: datetime) -> None:
    """A download of one of the video's files (the `downloads` time series)."""
    if video.is_local:
        video_stats.record_download(int(video.id), now)


def _text(value: Any) -> str | None:
    return str(value)[:100] if value else None


# ---------------------------------------------------------------------------------------
# Who may read them, and for when


def check_can_read(video: Video, user: User) -> None:
    """PeerTube's rights: the owner of a video of this instance, or whoever sees all videos."""
    if not video.is_local:
        raise ForbiddenError("Cannot manage a video of another server.")
    if not manages(user, video, Right.SEE_ALL_VIDEOS):
        raise ForbiddenError("Cannot manage a video of another user.")


@dataclass(frozen=True)
class Window:
    start: datetime | None
    end: datetime | None


def read_window(start: str | None, end: str | None, *, both: bool = False) -> Window:
    """startDate and endDate: ISO 8601 dates, in order, at most MAX_DAYS apart; `both`
    (timeseries) wants neither or both, as PeerTube does."""
    window = Window(_date("startDate", start), _date("endDate", end))
    if both and (window.start is None) != (window.end is None):
        raise BadRequestError("Both start date and end date should be defined if one of them is specified")
    if window.start and window.end:
        if window.end < window.start:
            raise BadRequestError("Start date must be before end date")
        if (window.end - window.start).total_seconds() / 86400 > MAX_DAYS:
            raise BadRequestError("Start date and end date interval is too big")
    return window


def _date(name: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    text = value.strip()
    try:
        if len(text) < 10:
            raise ValueError(text)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith(("Z", "z")) else text)
    except ValueError:
        raise ValidationError({name: "Invalid value"}, location="query") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# ---------------------------------------------------------------------------------------
# The answers


def overall(video: Video, window: Window, now: datetime) -> dict[str, Any]:
    """VideoStatsOverall. With a window, whole UTC days are counted (the daily items)."""
    if window.start is None and window.end is None:
        total = video_stats.read_total(int(video.id))
        viewers, watch_time = int(total.get("viewers", 0)), int(total.get("wt", 0))
        ended, peak, peak_at, counts = viewers, int(total.get("peak", 0)), total.get("peak_at"), total
    else:
        first = (window.start or video.created_at).astimezone(UTC)
        last = (window.end or now).astimezone(UTC)
        days = video_stats.read_days(int(video.id), first.strftime("%Y-%m-%d"), last.strftime("%Y-%m-%d"))
        first_day = days.get(first.strftime("%Y-%m-%d"), {})
        viewers = int(first_day.get("carried", 0)) + sum(int(day.get("started", 0)) for day in days.values())
        watch_time = sum(int(day.get("wt", 0)) for day in days.values())
        ended = sum(int(day.get("ended", 0)) for day in days.values())
        # The busiest day's busiest minute; between equal peaks, the earliest.
        busiest = min(days.values(), key=_busiest_first, default={})
        peak, peak_at = int(busiest.get("peak", 0)), busiest.get("peak_at")
        counts = _summed(days.values())
    return {
        "totalWatchTime": watch_time,
        "averageWatchTime": round(watch_time / ended) if ended else 0,
        "totalViewers": viewers,
        "viewersPeak": peak,
        "viewersPeakDate": peak_at if peak else None,
        "countries": [{"isoCode": name, "viewers": count} for name, count in _ranked(counts, "c#")],
        "subdivisions": [{"name": name, "viewers": count} for name, count in _ranked(counts, "r#")],
    }


def user_agents_of(video: Video, window: Window, now: datetime) -> dict[str, Any]:
    """VideoStatsUserAgent: the viewers who began in the window (whole UTC days)."""
    if window.start is None and window.end is None:
        counts = video_stats.read_total(int(video.id))
    else:
        first = (window.start or video.created_at).astimezone(UTC)
        last = (window.end or now).astimezone(UTC)
        counts = _summed(
            video_stats.read_days(int(video.id), first.strftime("%Y-%m-%d"), last.strftime("%Y-%m-%d")).values()
        )
    return {
        "clients": [{"name": name, "viewers": count} for name, count in _ranked(counts, "uc#")],
        "devices": [{"name": name, "viewers": count} for name, count in _ranked(counts, "ud#")],
        "operatingSystem": [{"name": name, "viewers": count} for name, count in _ranked(counts, "uo#")],
    }


def retention(video: Video) -> dict[str, Any]:
    """VideoStatsRetention: at every step of the video, the share of its viewers who
    watched that second."""
    if video.stage in _LIVE_STAGES:
        raise BadRequestError("Cannot get retention stats of live video")
    duration = int(video.duration or 0)
    step = watch_sections.retention_step(duration)
    total = video_stats.read_total(int(video.id))
    viewers = max(int(total.get("viewers", 0)), 1)
    return {
        "data": [
            {"second": second, "retentionPercent": int(total.get(f"p{second}", 0)) / viewers * 100}
            for second in range(0, duration + 1, step)
        ]
    }


def _busiest_first(day: dict[str, Any]) -> tuple[int, str]:
    return -int(day.get("peak", 0)), str(day.get("peak_at", ""))


def _summed(items: Any) -> dict[str, int]:
    summed: dict[str, int] = {}
    for item in items:
        for name, value in item.items():
            if "#" in name and isinstance(value, int):
                summed[name] = summed.get(name, 0) + value
    return summed


def _ranked(counts: dict[str, Any], prefix: str) -> list[tuple[str, int]]:
    found = [(name[len(prefix) :], int(value)) for name, value in counts.items() if name.startswith(prefix) and value]
    return sorted(found, key=lambda pair: (-pair[1], pair[0]))


# ---------------------------------------------------------------------------------------
# Time series


@dataclass(frozen=True)
class Grouping:
    label: str  # PeerTube's groupInterval
    minutes: int  # 0 for calendar months
    months: int = 0


def grouping(start: datetime, end: datetime) -> Grouping:
    """PeerTube's buildGroupInterval: the longer the window, the coarser its points."""
    seconds = (end - start).total_seconds()
    year, month, day, hour, minute = 31536000, 2678400, 86400, 3600, 60
    for threshold, chosen in (
        (6 * year, Grouping("6 months", 0, 6)),
        (2 * year, Grouping("1 month", 0, 1)),
        (6 * month, Grouping("7 days", 7 * 1440)),
        (2 * month, Grouping("2 days", 2 * 1440)),
        (15 * day, Grouping("1 day", 1440)),
        (8 * day, Grouping("12 hours", 720)),
        (4 * day, Grouping("6 hours", 360)),
        (15 * hour, Grouping("1 hour", 60)),
        (180 * minute, Grouping("10 minutes", 10)),
    ):
        if seconds >= threshold:
            return chosen
    return Grouping("1 minute", 1)


def truncated(moment: datetime, group: Grouping) -> datetime:
    """PeerTube drops the parts of the start date finer than the grouping."""
    moment = moment.astimezone(UTC).replace(second=0, microsecond=0)
    if group.months:
        return moment.replace(day=1, hour=0, minute=0)
    if group.minutes >= 1440:
        return moment.replace(hour=0, minute=0)
    if group.minutes >= 60:
        return moment.replace(minute=0)
    return moment


def _next(moment: datetime, group: Grouping) -> datetime:
    if not group.months:
        return moment + timedelta(minutes=group.minutes)
    month = moment.month - 1 + group.months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def timeseries(video: Video, metric: str, window: Window, now: datetime) -> dict[str, Any]:
    """VideoStatsTimeserie: one point per interval from the start of the window (by
    default the video's creation) to its end (now)."""
    if metric not in METRICS:
        raise ValidationError({"metric": "Invalid value"}, location="params")
    start = (window.start or video.created_at).astimezone(UTC)
    end = (window.end or now).astimezone(UTC)
    group = grouping(start, end)
    first = truncated(start, group)
    points = []
    moment = first
    while moment <= end:
        points.append(moment)
        moment = _next(moment, group)
    values = _values(int(video.id), metric, group, points)
    return {
        "groupInterval": group.label,
        "data": [{"date": _iso(point), "value": value} for point, value in zip(points, values, strict=True)],
    }


def _values(video_id: int, metric: str, group: Grouping, points: list[datetime]) -> list[int]:
    if not points:
        return []
    stop = _next(points[-1], group)
    if group.minutes and group.minutes < 1440:
        hours = video_stats.read_hours(
            video_id, points[0].strftime("%Y-%m-%dT%H"), (stop - timedelta(minutes=1)).strftime("%Y-%m-%dT%H")
        )
        counters = _by_minute(hours) if group.minutes < 60 else _by_unit(hours, "%Y-%m-%dT%H")
        unit = 1 if group.minutes < 60 else 60
    else:
        days = video_stats.read_days(
            video_id, points[0].strftime("%Y-%m-%d"), (stop - timedelta(minutes=1)).strftime("%Y-%m-%d")
        )
        counters = _by_unit(days, "%Y-%m-%d")
        unit = 1440
    values = []
    for index, point in enumerate(points):
        following = points[index + 1] if index + 1 < len(points) else stop
        values.append(_value(counters, metric, _minute(point), _minute(following), unit))
    return values


def _value(counters: dict[int, dict[str, int]], metric: str, first: int, stop: int, unit: int) -> int:
    units = [counters.get(minute, {}) for minute in range(first, stop, unit)]
    if metric == "aggregateWatchTime":
        return sum(u.get("wt", 0) for u in units)
    if metric == "downloads":
        return sum(u.get("downloads", 0) for u in units)
    opening = counters.get(first, {})
    return opening.get("carried", 0) + sum(u.get("started", 0) for u in units)


def _by_minute(hours: dict[str, dict[str, Any]]) -> dict[int, dict[str, int]]:
    """The hourly items' minutes, by Unix minute, in the names the hours use for themselves."""
    minutes: dict[int, dict[str, int]] = {}
    for label, item in hours.items():
        base = _minute(datetime.strptime(label, "%Y-%m-%dT%H").replace(tzinfo=UTC))
        for offset in range(60):
            present, started = int(item.get(f"a{offset:02d}", 0)), int(item.get(f"s{offset:02d}", 0))
            minutes[base + offset] = {
                "started": started,
                "carried": present - started,
                "wt": int(item.get(f"w{offset:02d}", 0)),
                "downloads": int(item.get(f"d{offset:02d}", 0)),
            }
    return minutes


def _by_unit(items: dict[str, dict[str, Any]], label_format: str) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = {}
    for label, item in items.items():
        base = _minute(datetime.strptime(label, label_format).replace(tzinfo=UTC))
        found[base] = {name: int(item.get(name, 0)) for name in ("started", "carried", "wt", "downloads")}
    return found


def _minute(moment: datetime) -> int:
    return int(moment.timestamp() // 60)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
