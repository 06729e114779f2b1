"""This instance's objects named by their ActivityPub URLs: `/accounts/<name>`,
`/video-channels/<name>`, `/videos/watch/<uuid>` and `/videos/watch/<uuid>/comments/<id>`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from chalicelib.config import get_settings
from chalicelib.store import actors, videos

if TYPE_CHECKING:
    from chalicelib.store.models import Actor, Video

VIDEO_PATH = re.compile(r"^/(?:videos/watch|w)/([0-9a-fA-F-]{36})$")
COMMENT_PATH = re.compile(r"^/videos/watch/([0-9a-fA-F-]{36})/comments/(\d{1,12})$")


def is_ours(url: str) -> bool:
    return urlsplit(url).netloc.lower() == get_settings().instance_host.lower()


def local_actor(url: str) -> Actor | None:
    """The local account or channel a URL of this instance names."""
    if not is_ours(url):
        return None
    segments = urlsplit(url).path.strip("/").split("/")
    if len(segments) != 2 or segments[0] not in ("accounts", "video-channels"):
        return None
    actor = actors.find_local_actor(segments[1])
    if actor is None:
        return None
    is_channel = actor.actor_type == "Group"
    return actor if is_channel == (segments[0] == "video-channels") else None


def local_video(url: str) -> Video | None:
    if not is_ours(url):
        return None
    match = VIDEO_PATH.match(urlsplit(url).path)
    video = videos.find_video_by_uuid(match.group(1).lower()) if match else None
    return video if video is not None and video.is_local else None


def local_comment_reference(url: str) -> tuple[Video, int] | None:
    """The local video and comment id a comment URL of ours names (the comment may be gone)."""
    if not is_ours(url):
        return None
    match = COMMENT_PATH.match(urlsplit(url).path)
    if not match:
        return None
    video = videos.find_video_by_uuid(match.group(1).lower())
    return (video, int(match.group(2))) if video is not None else None
