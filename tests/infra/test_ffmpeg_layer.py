"""The ffmpeg the transcoder ships in its layer runs Cirrus's whole encoding pipeline."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from chalicelib.media.probe import count_frames
from chalicelib.media.transcode import transcode_chunked
from layers.ffmpeg.build import build
from tests.infra.conftest import SIZE_BUDGETS, unzipped_size


def test_the_layer_ffmpeg_transcodes_a_clip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = build(tmp_path / "layer")
    version = subprocess.run([str(bin_dir / "ffmpeg"), "-version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("ffmpeg version 6.0")
    assert unzipped_size(bin_dir.parent) <= SIZE_BUDGETS["ffmpeg"]
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")  # as /opt/bin in Lambda
    clip = tmp_path / "clip.mp4"
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
         "-f", "lavfi", "-i", "sine", "-t", "8", "-pix_fmt", "yuv420p", "-c:a", "aac", str(clip)],
        check=True,
    )  # fmt: skip
    output = transcode_chunked(str(clip), tmp_path / "hls", "layer", seconds=4)
    assert [p.rendition.resolution for p in output.renditions] == [180, 144]
    assert all(count_frames(str(p.playlist)) == 200 for p in output.renditions)
