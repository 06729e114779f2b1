"""Liking and disliking videos (PeerTube's rate.ts): one rating per account and video."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    """Set the user's rating of `video` ("none" removes it). Re-reads and retries when a
    concurrent change of the same rating won the race."""
    account_id = int(user.account_id)
    wanted = None if rating == "none" else rating
    for _ in range(ATTEMPTS):
        previous = ratings.get_rate(account_id, int(video.id))
        if (previous.rating if previous else None) == wanted:
            return
        if ratings.change_rate(video, account_id, previous, wanted, now):
            return
        if videos.get_video(int(video.id)) is None:
            raise NotFoundError("Video not found")
    raise ServiceUnavailableError("The rating changed concurrently; try again.")


def rating_of(user: User, video: Video) -> str:
    found = ratings.get_rate(int(user.account_id), int(video.id))
    return found.rating if found else "none"
