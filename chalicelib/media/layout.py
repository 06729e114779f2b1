"""Where a video's files live in the buckets (object keys; URLs add the instance's host).

The media bucket's keys are the paths CloudFront serves (`/static/...`, `/lazy-static/...`),
laid out as PeerTube lays them out, so URLs look the same as on a PeerTube instance.
"""

from __future__ import annotations

SOURCE_PREFIX = "videos/"
WORK_PREFIX = "work/"


def source_key(video_uuid: str, filename: str = "source") -> str:
    """The uploaded original in the uploads bucket (its arrival starts the ingest)."""
    return f"{SOURCE_PREFIX}{video_uuid}/{filename}"


def video_uuid_of_source(key: str) -> str | None:
    if not key.startswith(SOURCE_PREFIX):
        return None
    parts = key[len(SOURCE_PREFIX) :].split("/")
    return parts[0] if len(parts) >= 2 and parts[0] else None


def work_prefix(video_uuid: str) -> str:
    """Intermediate files (chunks, audio, hashes) in the uploads bucket, deleted at the end."""
    return f"{WORK_PREFIX}{video_uuid}/"


def work_key(video_uuid: str, name: str) -> str:
    return f"{work_prefix(video_uuid)}{name}"


def hls_prefix(video_uuid: str) -> str:
    return f"static/streaming-playlists/hls/{video_uuid}/"


def hls_key(video_uuid: str, filename: str) -> str:
    return f"{hls_prefix(video_uuid)}{filename}"


def thumbnail_key(image_name: str) -> str:
    return f"lazy-static/thumbnails/{image_name}.jpg"


def preview_key(image_name: str) -> str:
    return f"lazy-static/previews/{image_name}.jpg"
