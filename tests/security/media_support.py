"""Helpers of the media findings (H5, M1): a loopback HTTP server that records what it is
asked for, crafted media files, and a transcoding stack whose ffmpeg reads presigned URLs
from a real local AWS endpoint (ffmpeg cannot read moto's in-process mock)."""

from __future__ import annotations

import struct
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.local_endpoint import drain_transcoding, endpoint_with_resources, transcoder_context


class RecordingServer:
    """Answers every GET with `documents[path]` (or 404) and remembers every path asked for."""

    def __init__(self, documents: dict[str, bytes] | None = None) -> None:
        self.documents = dict(documents or {})
        self.requests: list[str] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                recorder.requests.append(path)
                body = recorder.documents.get(path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> RecordingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()


def hls_playlist(segment_url: str) -> bytes:
    """An HLS media playlist whose only segment is `segment_url` (what an SSRF upload holds)."""
    return (
        f"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n"
        f"#EXTINF:10.0,\n{segment_url}\n#EXT-X-ENDLIST\n"
    ).encode()


def make_clip(path: Path, seconds: int = 4, size: str = "426x240", audio: bool = True) -> Path:
    argv = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25"]
    if audio:
        argv += ["-f", "lavfi", "-i", "sine=frequency=500"]
    argv += ["-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    argv += ["-c:a", "aac"] if audio else []
    subprocess.run([*argv, str(path)], check=True)
    return path


def forged_mkv(path: Path, claimed_seconds: float, size: str = "1920x1080", frames: int = 1) -> Path:
    """A Matroska file of `frames` frames whose Segment Info Duration claims `claimed_seconds`
    (the 8-byte float is patched in place, as a hand-crafted upload would do)."""
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25",
         "-frames:v", str(frames), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)],
        check=True,
    )  # fmt: skip
    data = path.read_bytes()
    at = data.find(b"\x44\x89\x88")  # Duration element, 8-byte float, in TimecodeScale units (1 ms)
    assert at > 0, "ffmpeg wrote no 8-byte Matroska Duration"
    path.write_bytes(data[: at + 3] + struct.pack(">d", claimed_seconds * 1000.0) + data[at + 11 :])
    return path


@pytest.fixture
def media_stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """moto's DynamoDB, S3 and SQS behind a real local HTTP endpoint, with the resources."""
    with endpoint_with_resources(monkeypatch) as resources:
        yield resources


def new_upload(stack: dict[str, Any], body: bytes, filename: str = "clip.mp4") -> Any:
    """A local video waiting for its file, and the file landed in the uploads bucket."""
    from chalicelib.media import layout
    from chalicelib.store import keys, videos
    from chalicelib.store.models import Video

    now = datetime.now(UTC)
    video_uuid = str(uuid.uuid4())
    video_id = int(time.time() * 1000) % 10_000_000
    video = Video(
        keys.video_pk(video_id), keys.ENTITY_SK, id=video_id, uuid=video_uuid, name="An upload", channel_id=1,
        account_id=1, url=f"http://localhost:9000/videos/watch/{video_uuid}", created_at=now, updated_at=now,
        source_key=layout.source_key(video_uuid, filename),
    )  # fmt: skip
    videos.create_video(video)
    put_source(stack, video, body)
    return video


def put_source(stack: dict[str, Any], video: Any, body: bytes) -> None:
    stack["s3"].put_object(Bucket=stack["settings"].uploads_bucket, Key=video.source_key, Body=body)


def ingest(stack: dict[str, Any], video: Any) -> None:
    """The uploads bucket's ObjectCreated event, handled as the ingest function handles it."""
    from functions.transcoder.handler import handle_upload

    key = video.source_key.replace("/", "%2F")
    event = {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": key}}}]}
    handle_upload(event, lambda_context())


def drain(stack: dict[str, Any], video: Any, seconds: float = 90) -> Any:
    """Run the transcode queue's steps until the video is done or failed."""
    return drain_transcoding(stack, video, seconds)


def lambda_context() -> Any:
    return transcoder_context()
