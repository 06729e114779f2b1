"""The instance's statistics (PeerTube's GET /api/v1/server/stats, its ServerStats), from
counters kept as things happen: one GetItem of the instance counters, one BatchGetItem of
the users' and channels' activity days, one GetQueueAttributes of the inbox queue. Nothing
is counted by reading what it counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib.config import get_settings
from chalicelib.domain import custom_config, redundancy
from chalicelib.store import activity_days, counters, queues, redundancies
from chalicelib.store.counters import ACTIVITY_TYPES, StatsCounts

# Our mirrors are bounded by the strategies' budgets: one Query page reads them.
MAX_MIRRORS_COUNTED = 1000


def current(now: datetime) -> dict[str, Any]:
    strategies = redundancy.read_strategies(custom_config.current(get_settings()).custom)
    return shaped(
        counters.read_stats_counts(),
        activity_days.active_counts("users", now),
        activity_days.active_counts("channels", now),
        queues.inbox_waiting(),
        now,
        redundancy.stats(strategies, redundancies.listed(True, MAX_MIRRORS_COUNTED)),
    )


def shaped(
    counts: StatsCounts,
    users: list[int],
    channels: list[int],
    waiting: int,
    now: datetime,
    videos_redundancy: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The ServerStats document. `users` and `channels`: those active over a day, a week and
    a month (store/activity_days.py, by whole UTC days); `videos_redundancy`: our mirrors'
    figures per strategy (domain/redundancy.py)."""
    processed = counts.ap_successes + counts.ap_errors
    since = counts.ap_since
    elapsed = now.timestamp() - since if since is not None else 0.0
    document: dict[str, Any] = {
        "totalUsers": counts.users,
        "totalDailyActiveUsers": users[0],
        "totalWeeklyActiveUsers": users[1],
        "totalMonthlyActiveUsers": users[2],
        "totalModerators": counts.moderators,
        "totalAdmins": counts.admins,
        "totalLocalVideos": counts.local_videos,
        "totalLocalVideoViews": counts.local_video_views,
        "totalLocalVideoDownloads": counts.local_video_downloads,  # PeerTube 8's, beyond its file
        "totalLocalVideoComments": counts.local_video_comments,
        "totalLocalVideoFilesSize": counts.local_video_files_size,
        "totalVideos": counts.videos,
        "totalVideoComments": counts.video_comments,
        "totalLocalVideoChannels": counts.local_channels,
        "totalLocalDailyActiveVideoChannels": channels[0],
        "totalLocalWeeklyActiveVideoChannels": channels[1],
        "totalLocalMonthlyActiveVideoChannels": channels[2],
        "totalLocalPlaylists": counts.local_playlists,
        "totalInstanceFollowers": counts.instance_followers,
        "totalInstanceFollowing": counts.instance_following,
        "videosRedundancy": videos_redundancy
        or [{"totalUsed": 0, "totalVideos": 0, "totalVideoFiles": 0, "strategy": "manual", "totalSize": None}],
        "averageAbuseResponseTimeMs": _average(counts.abuse_response_ms, counts.abuses_processed),
        "totalAbuses": counts.abuses,
        "totalAbusesProcessed": counts.abuses_processed,
        "averageRegistrationRequestResponseTimeMs": _average(
            counts.registration_response_ms, counts.registrations_processed
        ),
        "totalRegistrationRequests": counts.registrations,
        "totalRegistrationRequestsProcessed": counts.registrations_processed,
        "totalActivityPubMessagesProcessed": processed,
        "totalActivityPubMessagesSuccesses": counts.ap_successes,
        "totalActivityPubMessagesErrors": counts.ap_errors,
        # PeerTube divides by the time since its inbox statistics began; so does Cirrus,
        # from the first activity it counted.
        "activityPubMessagesProcessedPerSecond": processed / elapsed if elapsed > 0 else 0,
        "totalActivityPubMessagesWaiting": waiting,
    }
    for kind in ACTIVITY_TYPES:
        successes, errors = counts.ap_by_type.get(kind, (0, 0))
        document[f"totalActivityPub{kind}MessagesSuccesses"] = successes
        document[f"totalActivityPub{kind}MessagesErrors"] = errors
    return document


def _average(total: int, count: int) -> float | None:
    # PeerTube averages the last three months; the counters cover all time.
    return total / count if count else None
