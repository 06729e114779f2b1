"""H5: an upload that is an HLS playlist (or a concat list, or an image sequence) made ffprobe
and ffmpeg in the ingest and transcoder functions fetch URLs of the uploader's choosing.

Every test runs the real ffprobe/ffmpeg with the argv the code builds, against a loopback
HTTP server that records what it is asked for."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from chalicelib.media import commands
from chalicelib.media.ladder import Rendition
from chalicelib.media.probe import ProbeError, probe
from tests.security.media_support import (
    RecordingServer,
    drain,
    hls_playlist,
    ingest,
    make_clip,
    media_stack,
    new_upload,
    put_source,
)

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")

__all__ = ["media_stack"]  # the fixture, imported for pytest

SECRET_PATH = "/latest/meta-data/iam/security-credentials/x.ts"


def test_an_hls_upload_fetches_nothing_and_fails_visibly(media_stack: dict[str, Any]) -> None:
    from chalicelib.store import videos

    with RecordingServer() as internal:
        video = new_upload(media_stack, hls_playlist(internal.base + SECRET_PATH))
        ingest(media_stack, video)
        failed = videos.get_video(int(video.id))

    assert internal.requests == []
    assert failed is not None and (failed.stage, failed.state) == ("failed", 7)
    assert "not a video or audio file Cirrus accepts" in (failed.failure or "")


def test_a_source_swapped_for_hls_after_the_probe_fetches_nothing(media_stack: dict[str, Any], tmp_path: Path) -> None:
    """The presigned upload URL can be used again once the probe passed: every transcoding
    step reads the source anew, so each one must refuse it too."""
    with RecordingServer() as internal:
        video = new_upload(media_stack, make_clip(tmp_path / "clip.mp4").read_bytes())
        ingest(media_stack, video)
        put_source(media_stack, video, hls_playlist(internal.base + SECRET_PATH))
        finished = drain(media_stack, video)

    assert internal.requests == []
    assert (finished.stage, finished.state) == ("failed", 7)


def test_a_concat_list_upload_fetches_nothing() -> None:
    listing = b"ffconcat version 1.0\nfile 'internal.mp4'\n"
    with RecordingServer({"/upload.mp4": listing}) as server, pytest.raises(ProbeError):
        probe(server.base + "/upload.mp4")
    assert set(server.requests) == {"/upload.mp4"}


def test_an_image_sequence_is_refused(tmp_path: Path) -> None:
    for index in (1, 2):
        subprocess.run(
            ["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1",
             str(tmp_path / f"frame{index:03d}.png")],
            check=True,
        )  # fmt: skip
    with pytest.raises(ProbeError, match="not a video or audio file Cirrus accepts"):
        probe(str(tmp_path / "frame%03d.png"))


RENDITION = Rendition(240, 426, 240, 25, 400_000)


@pytest.mark.parametrize(
    "build",
    [
        lambda source, out: commands.video_encode_args(source, out, RENDITION, portrait=False, start=0, duration=4),
        lambda source, out: commands.audio_encode_args(source, out, "aac", 128_000),
        lambda source, out: commands.image_args(source, out, commands.THUMBNAIL_SIZE, 1.0),
    ],
    ids=["chunk", "audio", "image"],
)
def test_every_transcoding_command_refuses_a_playlist(build: Any, tmp_path: Path) -> None:
    with RecordingServer() as server:
        server.documents["/source"] = hls_playlist(server.base + SECRET_PATH)
        argv = build(server.base + "/source", str(tmp_path / "out.mp4"))
        completed = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode != 0
    assert set(server.requests) == {"/source"}
