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
# Web videos (whole MP4 files: the uploaded original until transcoding replaces it, and MP4
# renditions when the instance makes them) under PeerTube's paths; the private directory's
# are read through the API with a video file token, as the HLS ones.
# Our mirrors of remote videos' HLS files, under the origin's file names, as PeerTube serves
# its own (/static/redundancy/hls/<uuid>/): public, served from the bucket like our videos.
REDUNDANCY_HLS_PATH = "static/redundancy/hls/"
PUBLIC_WEB_VIDEOS_PATH = "static/web-videos/"
PRIVATE_WEB_VIDEOS_PATH = "static/web-videos/private/"
PRIVATE_WEB_VIDEOS_KEYS = "private/web-videos/"
# Every .torrent is the API's to serve (it checks the video's privacy): its objects live
# outside the paths CloudFront serves from the bucket, under names the URLs carry.
TORRENTS_KEYS = "torrents/"
TORRENT_PATHS = ("lazy-static/torrents/", "static/torrents/")  # PeerTube's, then PeerTube 5's
DOWNLOAD_TORRENTS_PATH = "download/torrents/"
DOWNLOAD_WEB_VIDEOS_PATH = "download/web-videos/"
DOWNLOAD_HLS_VIDEOS_PATH = "download/streaming-playlists/hls/videos/"
# Captions (WebVTT) under PeerTube's path, served by CloudFront; a caption of a video in the
# private directory lives beside its HLS files instead, read with a video file token like them.
CAPTIONS_PATH = "lazy-static/video-captions/"
# PeerTube 6.1+'s generated downloads (an HLS video file and its audio muxed into one MP4),
# built once by the transcoder and read through presigned URLs only: outside the paths
# CloudFront serves. ffprobe's description of each file (`metadataUrl`) beside them.
GENERATE_DOWNLOAD_PATH = "download/videos/generate/"
GENERATED_KEYS = "generated/"
FILE_METADATA_KEYS = "file-metadata/"
# Storyboards (sprite sheets shown over the seek bar) under PeerTube's path, served by CloudFront.
STORYBOARDS_PATH = "lazy-static/storyboards/"

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


def storyboard_key(image_name: str) -> str:
    """A video's storyboard (domain/storyboards.py): named as its images, so it is renamed
    with them when the video enters the private directory."""
    return f"{STORYBOARDS_PATH}{image_name}.jpg"


# Web videos and torrents -----------------------------------------------------------------
#
# Their names start with the video's UUID, then a random part and the resolution, so that
# a replaced file never takes the old one's (cached) name, and everything a video ever had
# under these flat directories goes with one prefix when it is deleted.


def web_video_name(video_uuid: str, random_part: str, resolution: int, extension: str) -> str:
    return f"{video_uuid}-{random_part}-{resolution}{extension}"


def torrent_name(video_uuid: str, random_part: str, resolution: int, hls: bool = False) -> str:
    return f"{video_uuid}-{random_part}-{resolution}{'-hls' if hls else ''}.torrent"


def video_uuid_of_name(name: str) -> str | None:
    """The video a web video's or torrent's name belongs to (its first 36 characters)."""
    return name[:36] if len(name) > 37 and name[36] == "-" else None


def web_video_key(name: str, private: bool = False) -> str:
    return f"{PRIVATE_WEB_VIDEOS_KEYS if private else PUBLIC_WEB_VIDEOS_PATH}{name}"


def web_video_url(instance_url: str, name: str, private: bool = False) -> str:
    return f"{instance_url}/{PRIVATE_WEB_VIDEOS_PATH if private else PUBLIC_WEB_VIDEOS_PATH}{name}"


def web_videos_prefix(video_uuid: str, private: bool = False) -> str:
    return web_video_key(f"{video_uuid}-", private)


def torrent_key(name: str) -> str:
    return f"{TORRENTS_KEYS}{name}"


def torrents_prefix(video_uuid: str) -> str:
    return torrent_key(f"{video_uuid}-")


def torrent_url(instance_url: str, name: str) -> str:
    return f"{instance_url}/{TORRENT_PATHS[0]}{name}"


def torrent_download_url(instance_url: str, name: str) -> str:
    return f"{instance_url}/{DOWNLOAD_TORRENTS_PATH}{name}"


def web_video_download_url(instance_url: str, video_uuid: str, resolution: int, extension: str) -> str:
    return f"{instance_url}/{DOWNLOAD_WEB_VIDEOS_PATH}{video_uuid}-{resolution}{extension}"


def hls_video_download_url(instance_url: str, video_uuid: str, resolution: int) -> str:
    return f"{instance_url}/{DOWNLOAD_HLS_VIDEOS_PATH}{video_uuid}-{resolution}-fragmented.mp4"


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


# Captions ----------------------------------------------------------------------------------
#
# PeerTube names a caption `<random uuid>-<language>.vtt` and its HLS playlist the same with
# `.m3u8`, in the video's HLS directory. Cirrus's start with the video's UUID (one prefix
# deletes them all with the video), then a random part (a replaced caption never takes the
# cached name of the one before).


def caption_name(video_uuid: str, random_part: str, language: str) -> str:
    return f"{video_uuid}-{random_part}-{language}.vtt"


def caption_playlist_name(caption_file: str) -> str:
    return caption_file.removesuffix(".vtt") + ".m3u8"


def caption_key(video_uuid: str, name: str, private: bool = False) -> str:
    return hls_key(video_uuid, name, private=True) if private else f"{CAPTIONS_PATH}{name}"


def caption_url(instance_url: str, video_uuid: str, name: str, private: bool = False) -> str:
    if private:
        return f"{hls_url_base(instance_url, video_uuid, private=True)}{name}"
    return f"{instance_url}/{CAPTIONS_PATH}{name}"


def captions_prefix(video_uuid: str) -> str:
    return f"{CAPTIONS_PATH}{video_uuid}-"


def generated_key(video_uuid: str, digest: str) -> str:
    """A generated download, named after the files it joins (`digest`): a replaced file
    never meets the MP4 made of the one before."""
    return f"{GENERATED_KEYS}{video_uuid}/{digest}.mp4"


def generated_prefix(video_uuid: str) -> str:
    return f"{GENERATED_KEYS}{video_uuid}/"


def generate_download_url(instance_url: str, video_uuid: str, file_ids: list[int]) -> str:
    query = "&".join(f"videoFileIds={file_id}" for file_id in file_ids)
    return f"{instance_url}/{GENERATE_DOWNLOAD_PATH}{video_uuid}?{query}"


def file_metadata_key(video_uuid: str, file_name: str) -> str:
    """ffprobe's JSON of one file of a video (by the file's own name, whatever its privacy)."""
    return f"{FILE_METADATA_KEYS}{video_uuid}/{file_name}.json"


def file_metadata_prefix(video_uuid: str) -> str:
    return f"{FILE_METADATA_KEYS}{video_uuid}/"


def redundancy_prefix(video_uuid: str) -> str:
    return f"{REDUNDANCY_HLS_PATH}{video_uuid}/"


def redundancy_key(video_uuid: str, filename: str) -> str:
    return f"{redundancy_prefix(video_uuid)}{filename}"


def redundancy_base_url(instance_url: str, video_uuid: str) -> str:
    """A mirror's base URL as its CacheFile and the API give it (no trailing slash, as PeerTube)."""
    return f"{instance_url}/{REDUNDANCY_HLS_PATH}{video_uuid}"
