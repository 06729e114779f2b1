"""Where a video's files live in the buckets (object keys; URLs add the instance's host).

The media bucket's keys are the paths CloudFront serves (`/static/...`, `/lazy-static/...`),
laid out as PeerTube lays them out, so URLs look the same as on a PeerTube instance.
"""

from __future__ import annotations

SOURCE_PREFIX = "videos/"
WORK_PREFIX = "work/"
# PeerTube keeps the HLS files of private, internal and password-protected videos in a private
# directory served only with a video file token. Here their objects live outside the paths
# CloudFront serves from the bucket (static/, lazy-static/), and their URLs name a path the
# API answers (api/video_files.py); unlisted videos stay public, as in PeerTube.
PRIVATE_DIRECTORY_PRIVACIES = frozenset({3, 4, 5})
PUBLIC_HLS_PATH = "static/streaming-playlists/hls/"
PRIVATE_HLS_PATH = "static/streaming-playlists/hls/private/"
PRIVATE_HLS_KEYS = "private/streaming-playlists/hls/"
# Lives' HLS files (functions/live): under the HLS paths above but apart from VOD files, so
# that on AWS the ingest's role may write there and nowhere else (template.yaml, LiveTaskRole)
# and a replay's VOD files never meet the live's. Fixed names, as PeerTube's lives have.
LIVE_HLS_PREFIXES = ("static/streaming-playlists/hls/live/", "private/streaming-playlists/hls/live/")
PRIVATE_LIVE_HLS_PATH = f"{PRIVATE_HLS_PATH}live/"
LIVE_MASTER = "master.m3u8"
LIVE_HASHES = "segments-sha256.json"


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


def in_private_directory(privacy: int) -> bool:
    return int(privacy) in PRIVATE_DIRECTORY_PRIVACIES


def hls_prefix(video_uuid: str, private: bool = False) -> str:
    """Where a video's HLS objects are in the media bucket (the private ones: not served)."""
    return f"{PRIVATE_HLS_KEYS if private else PUBLIC_HLS_PATH}{video_uuid}/"


def hls_key(video_uuid: str, filename: str, private: bool = False) -> str:
    return f"{hls_prefix(video_uuid, private)}{filename}"


def hls_url_base(instance_url: str, video_uuid: str, private: bool = False) -> str:
    """The URL its HLS files are read from: CloudFront's, or the token-checked private path."""
    return f"{instance_url}/{PRIVATE_HLS_PATH if private else PUBLIC_HLS_PATH}{video_uuid}/"


def thumbnail_key(image_name: str) -> str:
    return f"lazy-static/thumbnails/{image_name}.jpg"


def preview_key(image_name: str) -> str:
    return f"lazy-static/previews/{image_name}.jpg"


def live_directory(video_uuid: str, private: bool = False) -> str:
    """The media bucket prefix of a live's HLS files (its URL path for a public video)."""
    return f"{LIVE_HLS_PREFIXES[1] if private else LIVE_HLS_PREFIXES[0]}{video_uuid}"


def live_url_base(instance_url: str, video_uuid: str, private: bool = False) -> str:
    """Where a live's files are read: CloudFront's live behaviour, or the token-checked
    private path the API answers (api/video_files.py)."""
    return f"{instance_url}/{PRIVATE_LIVE_HLS_PATH if private else LIVE_HLS_PREFIXES[0]}{video_uuid}/"


def live_playlist_name(rendition: int) -> str:
    return f"{rendition}.m3u8"


def live_segment_name(rendition: int, sequence: int, tag: str = "") -> str:
    """A live segment: `<tag>-<rendition>-<sequence>.ts`, the tag naming its session, so
    that a permanent live's next session never writes a name again (segments can then be
    cached for long, and the replay be made from them after the next session began)."""
    return f"{tag}-{rendition}-{sequence:06d}.ts" if tag else f"{rendition}-{sequence:06d}.ts"
