"""An import's file on its owner's quota while it downloads, as PeerTube checks it (its
video-import job, `isUserQuotaValid`: the total and the daily quota), but reserved at once
rather than checked once fetched: as soon as the download knows the file's size (yt-dlp's
`filesize`, the answer's Content-Length, the torrent's file length) that size is reserved on
the owner (store/import_quota.py), and a file that does not fit fails the import. A download
of unknown size reserves its bytes as they arrive. The exact size is reserved once fetched;
a failure gives the reservation back, a success leaves it to the video (publication converts
it, as an upload's). See docs/imports.md, "Quota"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.media.url_source import ImportFailed
from chalicelib.store import import_quota, quotas, users, videos

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.config import Settings
    from chalicelib.store.models import User, Video

# PeerTube's error for an import whose file does not fit (its video-import job's).
QUOTA_EXCEEDED = "The user video quota is exceeded with this video to import."
TOO_LARGE = "The video is larger than this instance imports"
WRITE_ATTEMPTS = 5


class QuotaRefused(ImportFailed):
    """The import's file does not fit in its owner's quota (or the video is gone): the
    import fails with this message, wherever the download stands."""


def cap(settings: Settings, owner: User, video: Video, now: datetime) -> tuple[int, str]:
    """The most bytes this import may fetch: the instance's cap, and what the owner's quotas
    leave beside what this video already holds (a download taken over, or retried)."""
    usage = quotas.usage(owner, now)
    own = import_quota.held(video)
    caps = [(settings.import_max_bytes, TOO_LARGE)]
    if int(owner.video_quota) != quotas.UNLIMITED:
        caps.append((int(owner.video_quota) - (usage.total - own) - 1, QUOTA_EXCEEDED))
    if int(owner.video_quota_daily) != quotas.UNLIMITED and _counts_daily(video, now):
        caps.append((int(owner.video_quota_daily) - (usage.daily - _own_daily(owner, video, now)) - 1, QUOTA_EXCEEDED))
    limit, reason = min(caps, key=lambda pair: pair[0])
    return max(limit, 0), reason


def reserve(video: Video, size: int, now: datetime) -> None:
    """`video` holds `size` bytes on its owner from now on (more or less than before); a
    growth is checked against a fresh read of the owner's figures, and written only if they
    are still those read. QuotaRefused when it does not fit or the video is gone."""
    for _ in range(WRITE_ATTEMPTS):
        if size <= import_quota.held(video):
            if import_quota.hold(video, None, size):
                return
        else:
            owner = users.get_user(int(video.user_id or 0), consistent=True)
            if owner is None:
                raise QuotaRefused("The user was deleted")
            extra = size - import_quota.held(video)
            # The daily window counts the videos created in the last 24 hours (PeerTube's):
            # an import retried later than that no longer weighs on it.
            daily_extra = size - _own_daily(owner, video, now) if _counts_daily(video, now) else 0
            total = quotas.usage(owner, now)
            quota, daily = int(owner.video_quota), int(owner.video_quota_daily)
            if (quota != quotas.UNLIMITED and total.total + extra >= quota) or (
                daily != quotas.UNLIMITED and total.daily + daily_extra >= daily
            ):
                raise QuotaRefused(QUOTA_EXCEEDED)
            try:
                if import_quota.hold(video, owner, size):
                    return
            except quotas.QuotaChanged:
                continue  # another reservation wrote first: read the figures again
        fresh = videos.get_video(int(video.id))
        if fresh is None or fresh.stage != video.stage:
            raise QuotaRefused("The video was deleted")
        video.quota_reserved = fresh.quota_reserved
    raise QuotaRefused("Too many imports at once: try again.")


def release(video: Video) -> None:
    """What a failed import's video holds goes back to its owner (its daily entry becomes 0:
    PeerTube counts the video, which exists, with no file)."""
    for _ in range(WRITE_ATTEMPTS):
        if import_quota.hold(video, None, 0):
            return
        fresh = videos.get_video(int(video.id))
        if fresh is None or fresh.stage != video.stage:
            return  # deleted (its deletion gave back what it held) or moved on
        video.quota_reserved = fresh.quota_reserved


class Claim:
    """What the download calls with the bytes it knows the file has (announced, or arrived
    so far): a growth past what is reserved reserves it, or stops the download."""

    def __init__(self, video: Video, now: datetime) -> None:
        self.video = video
        self.now = now

    def __call__(self, size: int) -> None:
        if size > import_quota.held(self.video):
            reserve(self.video, size, self.now)


def _counts_daily(video: Video, now: datetime) -> bool:
    """Whether the video is in its owner's daily window (created in the last 24 hours)."""
    return quotas.in_window(str(video.quota_key), now) if video.quota_key else False


def _own_daily(owner: User, video: Video, now: datetime) -> int:
    """What the video's own entry counts in the owner's daily window."""
    if not video.quota_key:
        return 0
    return int(quotas.recent_entries(owner, now).get(str(video.quota_key), 0))
