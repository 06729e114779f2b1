"""A video's web videos (PeerTube's "web video files"): whole files, served as they are
under /static/web-videos/ and offered for download, each with its torrent.

- **The original.** As in PeerTube 6 and later, the uploaded file is the video's first web
  video, listed from the moment its upload completes (PeerTube's CLI waits for its torrent).
  Until the ingest has probed it, its resolution and dimensions are unknown; the ingest
  records its facts in the plan and its item; the `original` transcoding step copies it into
  the media bucket and makes its torrent.
- **Publication retires it**, as PeerTube's transcoding replaces it: with web videos enabled
  (`transcoding.web_videos.enabled`), by the MP4 renditions the packaging steps made; with
  them disabled (PeerTube's default), by the HLS playlist alone (PeerTube deletes its web
  video files once the HLS of the highest resolution exists).
- **Privacy.** Web videos of private, internal and password-protected videos live under the
  media bucket's `private/web-videos/`, read through the API with a video file token, as
  the HLS files (media_privacy.py moves them).
"""

from __future__ import annotations

import mimetypes
import re
from typing import TYPE_CHECKING, Any

from chalicelib.media import layout
from chalicelib.observability import logger
from chalicelib.store import keys, media, videos
from chalicelib.store.models import WebVideoFile
from chalicelib.store.models.video_stages import STAGE_ENCODING, STAGE_PACKAGING, STAGE_UPLOADED

if TYPE_CHECKING:
    from chalicelib.media.probe import MediaInfo
    from chalicelib.store.models import Video

DEFAULT_WEB_VIDEOS, DEFAULT_HLS = False, True  # PeerTube's transcoding.web_videos / hls defaults
RENDITION_EXTENSION = ".mp4"
# The stages in which the original is one of the video's files (then publication retires it).
ORIGINAL_STAGES = frozenset({STAGE_UPLOADED, STAGE_ENCODING, STAGE_PACKAGING})
_EXTENSION = re.compile(r"^\.[a-z0-9]{1,6}$")
# The containers PeerTube accepts, and what they are served as (nosniff: the type matters).
_CONTENT_TYPES = {
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".webm": "video/webm",
    ".mkv": "video/x-matroska",
    ".mov": "video/quicktime",
    ".qt": "video/quicktime",
    ".ogv": "video/ogg",
    ".ogg": "video/ogg",
    ".avi": "video/x-msvideo",
    ".flv": "video/x-flv",
    ".wmv": "video/x-ms-wmv",
    ".ts": "video/mp2t",
    ".mts": "video/mp2t",
    ".m2ts": "video/mp2t",
    ".mpg": "video/mpeg",
    ".mpeg": "video/mpeg",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".flac": "audio/flac",
    ".wav": "audio/wav",
}


def formats(video: Video) -> tuple[bool, bool]:
    """(web videos, HLS): what the video's transcoding makes; HLS when the settings asked
    for neither (transcoding disabled: Cirrus always transcodes)."""
    web = DEFAULT_WEB_VIDEOS if video.make_web_videos is None else bool(video.make_web_videos)
    hls = DEFAULT_HLS if video.make_hls is None else bool(video.make_hls)
    return web, hls or not web


def source_extension(source_key: str) -> str:
    """The original's extension (PeerTube's extname: the uploaded file's, lower-cased)."""
    name = source_key.rsplit("/", 1)[-1].lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    return extension if _EXTENSION.match(extension) else ".mp4"


def content_type(extension: str) -> str:
    return _CONTENT_TYPES.get(extension) or mimetypes.guess_type(f"file{extension}")[0] or "application/octet-stream"


def original_facts(video: Video, info: MediaInfo, size: int, random_part: str) -> dict[str, Any]:
    """What the plan keeps of the original, from the probe (PeerTube's buildNewFile): an
    audio file has resolution 0 and no dimensions; a video, its short side."""
    extension = source_extension(str(video.source_key))
    has_video = info.has_video
    return {
        "random": random_part,
        "extension": extension,
        "content_type": content_type(extension),
        "size": size,
        "resolution": min(info.width, info.height) if has_video else 0,
        "width": info.width if has_video else 0,
        "height": info.height if has_video else 0,
        "fps": round(info.fps) if has_video else 0,
        "has_audio": info.has_audio,
        "has_video": has_video,
    }


def original_item(video: Video, plan: dict[str, Any]) -> WebVideoFile | None:
    """The original's item, from the plan (None for a plan made before originals were kept)."""
    facts = plan.get("original")
    if not facts:
        return None
    resolution = int(facts["resolution"])
    return WebVideoFile(
        keys.video_pk(int(video.id)),
        keys.ORIGINAL_FILE_SK,
        video_id=int(video.id),
        original=True,
        resolution=resolution,
        width=int(facts["width"]),
        height=int(facts["height"]),
        fps=int(facts["fps"]),
        size=int(facts["size"]),
        extension=str(facts["extension"]),
        file_name=layout.web_video_name(video.uuid, facts["random"], resolution, facts["extension"]),
        content_type=str(facts["content_type"]),
        has_audio=bool(facts["has_audio"]),
        has_video=bool(facts["has_video"]),
        torrent_name=layout.torrent_name(video.uuid, facts["random"], resolution),
    )


def rendition_item(
    video: Video, *, resolution: int, width: int, height: int, fps: int, size: int, has_audio: bool
) -> WebVideoFile:
    """An MP4 rendition's item; its names come from the video's HLS name, so a step run
    twice writes the same objects."""
    random_part = str(video.hls_prefix)[:8]
    return WebVideoFile(
        keys.video_pk(int(video.id)),
        keys.web_video_file_sk(resolution),
        video_id=int(video.id),
        original=False,
        resolution=resolution,
        width=width,
        height=height,
        fps=fps,
        size=size,
        extension=RENDITION_EXTENSION,
        file_name=layout.web_video_name(video.uuid, random_part, resolution, RENDITION_EXTENSION),
        content_type="video/mp4",
        has_audio=has_audio,
        has_video=resolution != 0,
        torrent_name=layout.torrent_name(video.uuid, random_part, resolution),
    )


def hls_torrent_name(video: Video, resolution: int) -> str:
    return layout.torrent_name(video.uuid, str(video.hls_prefix)[:8], resolution, hls=True)


def retire_original(video: Video) -> bool:
    """Publication: the original is no longer one of the video's files; its objects go
    first, then its item (a crash in between leaves an item the JSON no longer lists once
    the video is published, and deletion takes). False if it had none."""
    original = next((f for f in videos.list_web_files(int(video.id)) if f.original), None)
    if original is None:
        return False
    name = str(original.file_name)
    objects = [layout.web_video_key(name), layout.web_video_key(name, private=True)]
    if original.torrent_name:
        objects.append(layout.torrent_key(str(original.torrent_name)))
    media.delete_files(objects)
    videos.delete_web_files([original])
    logger.info("original retired", extra={"video": video.uuid})
    return True


def place(video: Video, private: bool) -> int:
    """Move the video's web videos to the directory its privacy names; how many moved."""
    wrong = layout.web_videos_prefix(video.uuid, not private)
    right = layout.web_videos_prefix(video.uuid, private)
    moved = media.keys_under(wrong)
    for key in moved:
        media.move_file(key, right + key[len(wrong) :])
    return len(moved)
