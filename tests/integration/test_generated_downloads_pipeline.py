"""Generated downloads and file metadata through the real pipeline (moto behind a local HTTP
endpoint, real ffmpeg): the transcoder muxes the chosen HLS file into one MP4 that ffprobe
decodes with its picture and its sound, and describes every file it makes, so `metadataUrl`
answers without probing on the request."""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from chalicelib.api import video_downloads
from chalicelib.media import layout
from chalicelib.store import media
from tests.api_client import ApiClient
from tests.integration.test_transcoding_pipeline import (  # the real-ffmpeg harness and its fixtures
    DURATION,
    _context,
    _upload_event,
    clip,  # noqa: F401
    stack,  # noqa: F401
)
from tests.integration.test_web_videos import (  # its fixtures over the same harness
    _details,
    _follow,
    _run_until,
    _uploaded,
    api,  # noqa: F401
    gateway,  # noqa: F401
    people,  # noqa: F401
)
from tests.members import Member
from tests.security.private_media_support import fetch


def _streams(path: Path) -> list[dict[str, Any]]:
    probed = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(path)], capture_output=True, check=True
    )
    return list(json.loads(probed.stdout)["streams"])


def _decodes(path: Path) -> None:
    """Every frame of every stream decodes without an error."""
    decoded = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0", "-f", "null", "-"],
        check=False,
        capture_output=True,
        text=True,
    )
    assert decoded.returncode == 0 and decoded.stderr == "", decoded.stderr


def test_an_hls_file_becomes_one_mp4_with_picture_and_sound(
    stack: dict[str, Any],  # noqa: F811
    clip: Path,  # noqa: F811
    people: dict[str, Member],  # noqa: F811
    api: ApiClient,  # noqa: F811
    gateway: str,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from functions.transcoder.handler import handle_upload

    alice = people["alice"]
    video = _uploaded(stack, clip, alice)
    handle_upload(_upload_event(video, stack["settings"].uploads_bucket), _context())

    # The original, described at its step, before publication retires it.
    _run_until(stack, video, lambda: bool(_details(api, video, alice.token)["files"][0]["torrentUrl"]))
    original = _details(api, video, alice.token)["files"][0]
    described_answer = api.get(urlsplit(original["metadataUrl"]).path)
    assert described_answer.status == 200, described_answer.body
    described = described_answer.json()
    assert {s["codec_type"] for s in described["streams"]} == {"video", "audio"}
    assert "filename" not in described["format"], "the presigned URL it was read by is nobody's business"

    def complete() -> bool:  # published from its lowest rendition on: wait for the top one too
        details = _details(api, video, alice.token)
        files = (details["streamingPlaylists"] or [{"files": []}])[0]["files"]
        return details["state"]["id"] == 1 and any(f["resolution"]["id"] == 240 for f in files)

    _run_until(stack, video, complete, seconds=120)
    hls_files = _details(api, video, alice.token)["streamingPlaylists"][0]["files"]
    top = hls_files[0]
    assert top["resolution"]["id"] == 240 and top["hasAudio"] and top["hasVideo"]

    for file in hls_files:  # described at packaging: read from the bucket, no probe
        answer = api.get(urlsplit(file["metadataUrl"]).path)
        assert answer.status == 200, answer.body
        streams = {s["codec_type"]: s for s in answer.json()["streams"]}
        assert streams["video"]["height"] == file["resolution"]["id"] and streams["audio"]["codec_name"] == "aac"
        assert abs(float(answer.json()["format"]["duration"]) - DURATION) < 0.5

    # The first request queues the build; the transcoder makes it while the request waits.
    path = f"/download/videos/generate/{video.uuid}?videoFileIds={top['id']}"
    monkeypatch.setattr(video_downloads, "GENERATE_WAIT_SECONDS", 60.0)
    waiting: dict[str, Any] = {}
    request = threading.Thread(target=lambda: waiting.update(answer=fetch(gateway + path)))
    request.start()
    generated_prefix = layout.generated_prefix(video.uuid)
    _run_until(stack, video, lambda: bool(media.keys_under(generated_prefix)))
    request.join(timeout=30)
    status, headers, _ = waiting["answer"]
    assert status == 302, waiting["answer"]
    assert "response-content-disposition=attachment" in headers["location"]
    (key,) = media.keys_under(generated_prefix)

    downloaded = tmp_path / "generated.mp4"
    downloaded.write_bytes(_follow(gateway + path))
    streams = _streams(downloaded)
    assert [(s["codec_type"], s["codec_name"]) for s in streams] == [("video", "h264"), ("audio", "aac")]
    assert int(streams[0]["height"]) == 240
    _decodes(downloaded)
    head = downloaded.read_bytes()[:64]
    assert head[4:8] == b"ftyp" and b"moov" in downloaded.read_bytes()[:4096], "faststart: the index first"

    # Built once: the next request is a redirect at once, and nothing is queued again.
    monkeypatch.setattr(video_downloads, "GENERATE_WAIT_SECONDS", 0.0)
    assert fetch(gateway + path)[0] == 302
    assert media.keys_under(generated_prefix) == [key]

    # Deleting the video deletes what was generated and described for it.
    assert api.delete_as(f"/api/v1/videos/{video.uuid}", alice.token).status == 204
    _run_until(stack, video, lambda: not media.keys_under(generated_prefix), seconds=30)
    assert media.keys_under(layout.file_metadata_prefix(video.uuid)) == []
