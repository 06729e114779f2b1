"""PeerTube's transcodingManager: a plugin's VOD profile offered to the administrator, chosen
in the custom config, built into the upload's plan once per rendition, and encoded by ffmpeg."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")


@pytest.fixture
def root(api: ApiClient, install_plugins: Any) -> str:
    install_plugins("profiles")
    return str(api.login("root", ROOT_PASSWORD)["access_token"])


def _choose(api: ApiClient, root: str, profile: Any) -> int:
    custom = api.get_as("/api/v1/config/custom", root).json()
    custom["transcoding"]["profile"] = profile
    return api.put_json("/api/v1/config/custom", custom, root).status


def _plan(resolutions_of: int = 1080) -> dict[str, Any]:
    from chalicelib.domain.transcoding import make_plan
    from chalicelib.media.probe import MediaInfo
    from chalicelib.store.models import Video

    info = MediaInfo(10.0, resolutions_of * 16 // 9, resolutions_of, 30.0, 4_000_000, "h264", "aac", 128_000)
    return make_plan(info, video=Video("VIDEO#1", "VIDEO", id=1, uuid="u", name="v"))


def test_the_plugins_profiles_are_offered_and_checked(api: ApiClient, root: str) -> None:
    transcoding = api.get("/api/v1/config").json()["transcoding"]
    assert transcoding["availableProfiles"] == ["default", "broken", "small-files", "unreachable"]
    assert transcoding["profile"] == "default"
    assert _choose(api, root, "nope") == 400
    assert _choose(api, root, 7) == 400
    assert _choose(api, root, "small-files") == 200
    assert api.get("/api/v1/config").json()["transcoding"]["profile"] == "small-files"


def test_the_chosen_profile_is_built_once_per_rendition_into_the_plan(api: ApiClient, root: str) -> None:
    assert "encoders" not in _plan()  # the default profile
    assert _choose(api, root, "small-files") == 200
    asked = sys.modules["cirrus_profiles_plugin"].ASKED
    asked.clear()
    plan = _plan()
    resolutions = [r["resolution"] for r in plan["renditions"]]
    assert [params["resolution"] for params in asked] == resolutions
    assert plan["encoders"]["1080"] == {
        "encoder": "libx264",
        "input": [],
        "output": ["-preset", "ultrafast", "-crf", "36"],
    }
    assert plan["encoders"]["360"]["output"] == ["-preset", "ultrafast", "-crf", "40"]


@pytest.mark.parametrize("profile", ["broken", "unreachable"])
def test_a_profile_that_cannot_answer_leaves_the_default(api: ApiClient, root: str, profile: str) -> None:
    assert _choose(api, root, profile) == 200
    assert "encoders" not in _plan()


@needs_ffmpeg
def test_ffmpeg_encodes_a_chunk_with_the_profiles_options(tmp_path: Path) -> None:
    from chalicelib.media.chunks import Chunk
    from chalicelib.media.commands import VideoEncoder
    from chalicelib.media.ladder import Rendition
    from chalicelib.media.probe import MediaInfo
    from chalicelib.media.transcode import encode_chunk

    clip = tmp_path / "clip.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-t", "2",
         "-c:v", "libx264", "-pix_fmt", "yuv420p", str(clip)],
        check=True,
    )  # fmt: skip
    info = MediaInfo(2.0, 640, 360, 25.0, 500_000, "h264", None, None)
    rendition = Rendition(240, 426, 240, 25, 300_000)
    small = VideoEncoder("libx264", (), ("-preset", "ultrafast", "-crf", "45"))
    (tmp_path / "default").mkdir()
    default = encode_chunk(str(clip), info, rendition, Chunk(0, 0.0, 2.0), tmp_path / "default", encoder=None)
    (tmp_path / "small").mkdir()
    made = encode_chunk(str(clip), info, rendition, Chunk(0, 0.0, 2.0), tmp_path / "small", encoder=small)
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,height",
         "-of", "csv=p=0", str(made)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert probe.stdout.strip() == "h264,240"
    assert made.stat().st_size < default.stat().st_size
