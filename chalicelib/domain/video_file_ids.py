"""The ids of a local video's files (PeerTube's `files[].id` and `streamingPlaylists[].files[].id`),
and the files an id names: what the generated downloads and the file metadata routes resolve.

Cirrus keeps no id counter for files: an id is derived from the video's and the file's
place, so it is the same in every answer and needs no item. HLS files are
<video id>·10⁴ + resolution; web videos take the upper half of that range, the original its
last number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.media import layout
from chalicelib.store.models.video import hls_listed
from chalicelib.store.models.video_stages import STAGE_DONE

if TYPE_CHECKING:
    from collections.abc import Sequence

    from chalicelib.store.models import Video, VideoFile, WebVideoFile

FILE_IDS_PER_VIDEO = 10000
WEB_FILE_ID_OFFSET = 5000
ORIGINAL_FILE_ID = 9999


def hls_file_id(video_id: int, resolution: int) -> int:
    return video_id * FILE_IDS_PER_VIDEO + resolution


def web_file_id(video_id: int, resolution: int, original: bool) -> int:
    return video_id * FILE_IDS_PER_VIDEO + (ORIGINAL_FILE_ID if original else WEB_FILE_ID_OFFSET + resolution)


@dataclass(frozen=True)
class ListedFile:
    """One file a local video lists, where it is in the media bucket and what it holds."""

    file_id: int
    name: str  # the object's own name (the same in the public and the private directory)
    key: str  # where it is now (the privacy decides the directory)
    resolution: int
    extension: str
    has_video: bool
    has_audio: bool
    size: int
    original: bool = False


def listed_files(video: Video, hls_files: Sequence[VideoFile], web_files: Sequence[WebVideoFile]) -> list[ListedFile]:
    """The files `GET /api/v1/videos/{id}` lists with a URL: HLS files once published, web
    videos (the original only until publication retires it). Remote videos' files are their
    origin's: none here."""
    if not video.is_local:
        return []
    private = layout.in_private_directory(int(video.privacy))
    video_id = int(video.id)
    found: list[ListedFile] = []
    if hls_listed(video):
        found += [
            ListedFile(
                hls_file_id(video_id, int(f.resolution)),
                str(f.media_name),
                layout.hls_key(video.uuid, str(f.media_name), private),
                int(f.resolution),
                ".mp4",
                int(f.resolution) != 0,
                "mp4a" in str(f.codecs),
                int(f.size),
            )
            for f in hls_files
            if not f.remote_url
        ]
    for web in web_files:
        if web.original and video.stage == STAGE_DONE:
            continue
        found.append(
            ListedFile(
                web_file_id(video_id, int(web.resolution), bool(web.original)),
                str(web.file_name),
                layout.web_video_key(str(web.file_name), private),
                int(web.resolution),
                str(web.extension),
                bool(web.has_video),
                bool(web.has_audio),
                int(web.size),
                bool(web.original),
            )
        )
    return found
