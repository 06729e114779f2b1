"""ffprobe's description of a video file (PeerTube's `metadataUrl`, `GET
/api/v1/videos/{id}/metadata/{videoFileId}`): `{streams, format, chapters}` as ffprobe
writes them, without the name it read the file by.

PeerTube probes each file as it makes it and keeps the result in the file's row. Cirrus
probes at the same moment (the transcoder, on the file it has just written: the original at
its step, each rendition at packaging) and keeps the JSON in the media bucket beside the
generated downloads (`layout.file_metadata_key`, never served by CloudFront): the API only
reads it, one GetObject, never ffprobe on a request. A file made before this was kept is
probed once, on the first request, by the transcoder (the API function has no ffmpeg).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from chalicelib.domain.video_file_ids import ListedFile, listed_files
from chalicelib.errors import NotFoundError, ValidationError
from chalicelib.media import layout
from chalicelib.store import media, queues, videos

if TYPE_CHECKING:
    from chalicelib.store.models import Video

PROBE = "probe-file"  # the transcode queue's message kind
NOT_FOUND = "VideoFile matching Video not found"  # PeerTube's doesVideoFileOfVideoExist
MAX_ID_DIGITS = 16  # before int(): Python refuses to convert thousands of digits
MAX_FILE_ID = 2**53 - 1  # an integer a JavaScript client can hold (ids are <video id>·10⁴ + n)


def parse_file_id(value: str) -> int:
    text = str(value)
    if not (len(text) <= MAX_ID_DIGITS and text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_FILE_ID:
        raise ValidationError({"videoFileId": "Should have a valid videoFileId"}, location="params")
    return int(text)


def find_file(video: Video, file_id: int) -> ListedFile:
    """One of the files the video lists (one Query); 404 as PeerTube otherwise."""
    _, hls_files, web_files = videos.get_video_with_all_files(int(video.id))
    found = next((f for f in listed_files(video, hls_files, web_files) if f.file_id == file_id), None)
    if found is None:
        raise NotFoundError(NOT_FOUND)
    return found


def read(video: Video, file: ListedFile) -> dict[str, Any] | None:
    stored = media.read_file(layout.file_metadata_key(video.uuid, file.name))
    return None if stored is None else dict(json.loads(stored))


def store(video_uuid: str, file_name: str, metadata: dict[str, Any]) -> None:
    body = json.dumps(metadata, separators=(",", ":")).encode()
    media.put_file(layout.file_metadata_key(video_uuid, file_name), body, "application/json", cache_control=None)


def request_probe(video: Video, file: ListedFile) -> None:
    queues.send_transcode_steps([{"kind": PROBE, "video": video.uuid, "files": [file.file_id]}])
