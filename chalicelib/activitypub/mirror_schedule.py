"""One run of the redundancy scheduler (functions/redundancy, hourly as PeerTube's check
interval), and the manual mirror task: per strategy, keep its mirrors within its size budget,
refresh the ones still chosen before they expire (Update), drop the ones no longer chosen once
expired (Undo), and mirror new candidates while the budget lasts (Create)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.activitypub import mirrors
from chalicelib.activitypub.mirror_news import RESYNC_TASK
from chalicelib.config import get_settings
from chalicelib.domain import custom_config, instance_follows, redundancy
from chalicelib.observability import logger
from chalicelib.store import catalog, redundancies, videos
from chalicelib.store.models.video_redundancy import MANUAL

if TYPE_CHECKING:
    from chalicelib.store.models import VideoRedundancy

TASK = "mirror-video"
DROP_TASK = "drop-mirror"
TASKS = (TASK, DROP_TASK, RESYNC_TASK)
# A mirror expiring within this is refreshed now: the next run may come an hour later.
REFRESH_AHEAD = timedelta(hours=2)
MAX_NEW_PER_RUN = 10  # each is a few files fetched whole; the function's timeout bounds a run
MAX_LISTED = 10_000
# One video an administrator asked for, mirrored by the work function (512 MB of memory, and
# a fragmented MP4 is held in memory while it is checked).
MANUAL_MAX_BYTES = 384 * 1024**2


@dataclass
class RunReport:
    created: int = 0
    refreshed: int = 0
    dropped: int = 0
    failed: int = 0
    notes: list[str] = field(default_factory=list)


def run(now: datetime) -> RunReport:
    report = RunReport()
    settings = get_settings()
    strategies = redundancy.read_strategies(custom_config.current(settings).custom)
    allowed = instance_follows.redundancy_hosts(instance_follows.server_actor())
    state = catalog.current()
    ours = [r for r in redundancies.listed(True, MAX_LISTED) if r.strategy != MANUAL]
    by_strategy: dict[str, list[VideoRedundancy]] = {}
    for item in ours:
        by_strategy.setdefault(str(item.strategy), []).append(item)
    configured = {s.name for s in strategies}
    for name, items in by_strategy.items():
        if name not in configured:
            _drop_expired(items, set(), now, report)
    for strategy in strategies:
        _run_strategy(strategy, by_strategy.get(strategy.name, []), state, allowed, now, report)
    return report


def _run_strategy(
    strategy: redundancy.Strategy,
    mine: list[VideoRedundancy],
    state: catalog.CatalogState,
    allowed: set[str],
    now: datetime,
    report: RunReport,
) -> None:
    candidates = redundancy.candidates(strategy, state.videos.values(), state.actors, allowed)
    existing = {int(item.video_id): item for item in mine}
    chosen: set[int] = set()
    used = 0
    for video in candidates:  # what the budget holds, best first (existing copies by their size)
        size = int(existing[int(video.id)].size) if int(video.id) in existing else int(video.files_size or 0)
        if used + size <= strategy.size:
            chosen.add(int(video.id))
            used += size
    _drop_expired(mine, chosen, now, report)
    lifetime = timedelta(milliseconds=strategy.min_lifetime_ms)
    kept = [item for item in mine if int(item.video_id) in chosen or not _expired(item, now)]
    used = sum(int(item.size) for item in kept)
    for item in kept:
        if int(item.video_id) in chosen and item.expires_at is not None and item.expires_at <= now + REFRESH_AHEAD:
            stored = state.videos.get(int(item.video_id)) or videos.get_video(int(item.video_id))
            if stored is not None:
                mirrors.mirror(stored, strategy.name, now + lifetime, now, 0)
                report.refreshed += 1
    new = 0
    for video in candidates:
        if new >= MAX_NEW_PER_RUN or int(video.id) not in chosen or int(video.id) in existing:
            continue
        whole = videos.get_video(int(video.id))  # the catalogue leaves out the playlist's URLs
        if whole is None:
            continue
        try:
            made = mirrors.mirror(whole, strategy.name, now + lifetime, now, strategy.size - used)
        except mirrors.MirrorFailed as exc:
            report.failed += 1
            logger.warning("mirror failed", extra={"video": int(video.id), "reason": str(exc)})
            continue
        used += int(made.size)
        new += 1
        report.created += 1


def _expired(item: VideoRedundancy, now: datetime) -> bool:
    return item.expires_at is not None and item.expires_at <= now


def _drop_expired(items: list[VideoRedundancy], chosen: set[int], now: datetime, report: RunReport) -> None:
    """A mirror no longer chosen goes once its promised lifetime is over, not before."""
    for item in items:
        if int(item.video_id) not in chosen and _expired(item, now):
            mirrors.drop(item)
            report.dropped += 1


def run_manual(task: dict[str, Any], now: datetime) -> None:
    """The work task of POST /server/redundancy/videos: mirror one video, with no expiry."""
    video = videos.get_video(int(task["video"]))
    if video is None or video.is_local:
        return
    try:
        mirrors.mirror(video, MANUAL, None, now, MANUAL_MAX_BYTES)
    except mirrors.MirrorFailed as exc:
        logger.warning("manual mirror failed", extra={"video": int(video.id), "reason": str(exc)})


def run_drop(task: dict[str, Any]) -> None:
    """The work task of DELETE /server/redundancy/videos/{id}: drop one of our mirrors."""
    found = redundancies.by_id(int(task["redundancy"]))
    if found is not None:  # gone already: a repeated task
        mirrors.drop(found)


def run_resync(task: dict[str, Any], now: datetime) -> None:
    """The work task of mirror_news: our copy of a video whose renditions changed, again. A
    copy that cannot be made now stays as it was (its next refresh or drop comes in time)."""
    video = videos.get_video(int(task["video"]))
    if video is None or video.is_local:
        return
    try:
        mirrors.resync(video, MANUAL_MAX_BYTES, now)
    except mirrors.MirrorFailed as exc:
        logger.warning("mirror resync failed", extra={"video": int(video.id), "reason": str(exc)})


def run_task(task: dict[str, Any], now: datetime) -> None:
    """A work task of the redundancy API or of mirror_news: one mirror made, dropped or
    brought up to date."""
    if task["task"] == DROP_TASK:
        run_drop(task)
    elif task["task"] == RESYNC_TASK:
        run_resync(task, now)
    else:
        run_manual(task, now)
