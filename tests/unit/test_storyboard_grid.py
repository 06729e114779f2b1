"""PeerTube's storyboard grid (server/core/lib/storyboard.ts): tile size, interval and layout,
checked on the cases that change a branch, and the sheet ffmpeg draws for a short clip."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from chalicelib.media import storyboard


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        (0, None),
        (2, None),  # under 3 s: none, as PeerTube
        (3, (1, 3)),
        (11, (1, 11)),
        (121, (1, 121)),  # exactly 11 x 11 tiles of 1 s
        (122, (2, 61)),  # past 121 tiles the interval grows
        (3600, (30, 120)),
        (10_801, (90, 121)),
    ],
)
def test_interval_and_count(duration: int, expected: tuple[int, int] | None) -> None:
    assert storyboard.sprite_timing(duration) == expected


@pytest.mark.parametrize(
    ("count", "grid"),
    [
        (1, (1, 1)),
        (3, (3, 1)),
        (11, (11, 1)),
        (12, (6, 2)),
        (20, (10, 2)),
        (23, (8, 3)),
        (61, (11, 6)),
        (121, (11, 11)),
    ],
)
def test_grid_has_the_fewest_rows_then_columns(count: int, grid: tuple[int, int]) -> None:
    assert storyboard.grid_size(count) == grid


def test_more_tiles_than_the_grid_holds_is_a_bug() -> None:
    with pytest.raises(ValueError):
        storyboard.grid_size(122)


@pytest.mark.parametrize(
    ("size", "tile"),
    [((1920, 1080), (192, 108)), ((426, 240), (192, 108)), ((1080, 1920), (108, 192)), ((640, 640), (192, 192)),
     ((720, 576), (192, 154))],
)  # fmt: skip
def test_tiles_keep_the_aspect_ratio_within_192_px(size: tuple[int, int], tile: tuple[int, int]) -> None:
    assert storyboard.sprite_size(*size) == tile


def test_a_plan_puts_it_together() -> None:
    assert storyboard.plan(1080, 1920, 30) == storyboard.Grid(108, 192, 10, 3, 1, 30)
    assert storyboard.plan(1920, 1080, 2) is None


def test_the_command_reads_only_mp4_and_writes_one_jpeg() -> None:
    argv = storyboard.storyboard_args(
        "https://bucket.example/x.mp4?sig=1", "/tmp/out.jpg", storyboard.Grid(192, 108, 10, 2, 2, 20)
    )
    assert argv[argv.index("-format_whitelist") + 1] == "mov"
    assert argv[argv.index("-protocol_whitelist") + 1] == "https,tls,tcp"
    chain = argv[argv.index("-vf") + 1]
    assert "gte(t-prev_selected_t,2)" in chain and chain.endswith("scale=192:108,tile=layout=10x2")
    assert argv[-1] == "/tmp/out.jpg" and argv[argv.index("-frames:v") + 1] == "1"


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_a_portrait_clip_gives_a_sheet_of_the_planned_size(tmp_path: Path) -> None:
    clip = tmp_path / "portrait.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=360x640:rate=24", "-t", "14",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(clip)],
        check=True,
    )  # fmt: skip
    grid = storyboard.plan(360, 640, 14)
    assert grid == storyboard.Grid(108, 192, 7, 2, 1, 14)
    sheet, width, height = storyboard.make(str(clip), grid, tmp_path)
    assert (width, height) == (7 * 108, 2 * 192)
    assert sheet.read_bytes()[:2] == b"\xff\xd8"


def test_keyframes_only_when_a_tile_spans_the_keyframe_spacing() -> None:
    grid = storyboard.Grid(192, 108, 10, 2, 2, 20)
    fast = storyboard.storyboard_args("/in.mp4", "/out.jpg", grid, keyframe_seconds=2)
    assert fast[fast.index("-skip_frame") + 1] == "nokey" and fast.index("-skip_frame") < fast.index("-i")
    assert fast[fast.index("-vf") + 1].startswith("select='gte(t,selected_n*2)'")
    one_second = storyboard.Grid(192, 108, 10, 1, 1, 10)
    assert "-skip_frame" not in storyboard.storyboard_args("/in.mp4", "/out.jpg", one_second, keyframe_seconds=2)
    assert "-skip_frame" not in storyboard.storyboard_args("/in.mp4", "/out.jpg", grid)


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_keyframes_only_draws_the_same_sheet(tmp_path: Path) -> None:
    """A clip with a keyframe every 2 s, as the transcoder's renditions: decoding keyframes
    only gives the very tiles decoding everything gives (an interval of 2 s, 130 s)."""
    clip = tmp_path / "gop.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=256x144:rate=25", "-t", "130",
         "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0",
         "-pix_fmt", "yuv420p", str(clip)],
        check=True,
    )  # fmt: skip
    grid = storyboard.plan(256, 144, 130)
    assert grid == storyboard.Grid(192, 108, 11, 6, 2, 65)
    every, fast = tmp_path / "every", tmp_path / "fast"
    every.mkdir()
    fast.mkdir()
    slow_sheet, *slow_size = storyboard.make(str(clip), grid, every)
    fast_sheet, *fast_size = storyboard.make(str(clip), grid, fast, keyframe_seconds=2)
    assert slow_size == fast_size == [11 * 192, 6 * 108]
    compared = subprocess.run(
        ["ffmpeg", "-i", str(slow_sheet), "-i", str(fast_sheet), "-lavfi", "psnr", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    assert "average:inf" in compared, compared[-300:]
