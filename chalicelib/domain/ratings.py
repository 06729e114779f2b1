"""Liking and disliking videos (PeerTube's rate.ts): one rating per account and video."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.domain import events
from chalicelib.errors import NotFoundError, ServiceUnavailableError, ValidationError
from chalicelib.store import ratings, videos

if TYPE_CHECKING:
    from datetime import datetime

    from chalicelib.store.models import User, Video

RATINGS = ("like", "dislike", "none")
ATTEMPTS = 3


def read_rating(value: object) -> str:
    if value not in RATINGS:
        raise ValidationError({"rating": "Invalid value"})
    return str(value)


def rate(video: Video, user: User, rating: str, now: datetime) -> None:
    """Set the user's rating of `video` ("none" removes it); a change is a VideoRated event
    (a remote video's origin hears of it, as PeerTube tells it)."""
    previous = rate_as(video, int(user.account_id), rating, now)
    if previous != rating:
        events.emit(events.VideoRated(video, int(user.account_id), previous, rating))


def rate_as(video: Video, account_id: int, rating: str, now: datetime, url: str | None = None) -> str:
    """Set an account's rating (local or remote); the rating it had. Re-reads and retries
    when a concurrent change of the same rating won the race."""
    wanted = None if rating == "none" else rating
    for _ in range(ATTEMPTS):
        previous = ratings.get_rate(account_id, int(video.id))
        had = previous.rating if previous else "none"
        if had == rating:
            return had
        if ratings.change_rate(video, account_id, previous, wanted, now, url=url):
            return had
        if videos.get_video(int(video.id)) is None:
            raise NotFoundError("Video not found")
    raise ServiceUnavailableError("The rating changed concurrently; try again.")


def rating_of(user: User, video: Video) -> str:
    found = ratings.get_rate(int(user.account_id), int(video.id))
    return found.rating if found else "none"
