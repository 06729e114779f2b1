"""Video file tokens (PeerTube's VideoTokensManager): short-lived secrets a player puts in
the query of every request for a video's private HLS files (`videoFileToken`), since a
player cannot send the viewer's OAuth header with each segment. A token opens one video's
files, whoever holds it, until it expires; it is given only to those who may see the video."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from chalicelib.domain.oauth import token_hash
from chalicelib.store import video_file_tokens

LIFETIME = timedelta(hours=8)  # PeerTube's LRU_CACHE.VIDEO_TOKENS.TTL


@dataclass(frozen=True)
class VideoFileToken:
    token: str
    expires: datetime


def issue(video_uuid: str, now: datetime) -> VideoFileToken:
    """A new token for the video's files (the caller checked that the viewer may see it)."""
    token = secrets.token_urlsafe(32)
    expires = now + LIFETIME
    video_file_tokens.save(token_hash(token), video_uuid, expires)
    return VideoFileToken(token, expires)


def opens(token: str, video_uuid: str, now: datetime) -> bool:
    """Whether `token` is a live token of this video (the store's TTL deletes expired items
    only eventually: the expiry is checked here)."""
    if not token or len(token) > 200:
        return False
    found = video_file_tokens.find(token_hash(token))
    if found is None:
        return False
    target, expires = found
    return target == video_uuid.lower() and expires is not None and expires > now
