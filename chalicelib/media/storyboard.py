"""Storyboards: the sprite sheet a player shows above its seek bar, one JPEG of small frames
taken at a fixed interval, laid out on a grid as PeerTube lays it out.

PeerTube's rules (server/core/lib/storyboard.ts, initializers/constants.ts, v8):
- a tile is at most 192 px on its long side, keeping the video's aspect ratio (192 wide for
  a landscape or square video, 192 high for a portrait one);
- no storyboard for a video under 3 s; otherwise one tile every ceil(duration / n) seconds,
  where n is the duration in seconds capped at 11 x 11 tiles;
- the grid is the smallest that holds the tiles, rows first: one row of up to 11, then two
  rows of up to 11, and so on;
- the API's totalWidth and totalHeight are the written image's own size.

Pure functions plus one ffmpeg run; what a storyboard means for a video (which file it is
made from, where it is stored) is domain/storyboards.py's.
"""

from __future__ import annotations

import json
import math
import subprocess
from dataclasses import dataclass
from pathlib import Path

from chalicelib.media.commands import COMMON
from chalicelib.media.inputs import work_input
from chalicelib.media.transcode import TranscodeError, run

SPRITE_MAX_SIZE = 192
SPRITES_MAX_EDGE_COUNT = 11
MIN_DURATION_SECONDS = 3
JPEG_QUALITY = 2  # ffmpeg's -q:v, as PeerTube's


@dataclass(frozen=True)
class Grid:
    """What to draw: the tile size, how many tiles a row and how many rows, one tile every
    `sprite_duration` seconds."""

    sprite_width: int
    sprite_height: int
    columns: int
    rows: int
    sprite_duration: int
    count: int


def sprite_size(width: int, height: int) -> tuple[int, int]:
    """A tile's width and height for a video of `width` x `height`."""
    if width <= 0 or height <= 0:
        raise ValueError("a storyboard needs the video's dimensions")
    ratio = width / height
    if width < height:  # portrait
        return round(SPRITE_MAX_SIZE * ratio), SPRITE_MAX_SIZE
    return SPRITE_MAX_SIZE, round(SPRITE_MAX_SIZE / ratio)


def sprite_timing(duration: int) -> tuple[int, int] | None:
    """(seconds a tile stands for, number of tiles), or None for a video too short."""
    if duration < MIN_DURATION_SECONDS:
        return None
    most = min(math.ceil(duration), SPRITES_MAX_EDGE_COUNT * SPRITES_MAX_EDGE_COUNT)
    every = math.ceil(duration / most)
    return every, math.ceil(duration / every)


def grid_size(count: int) -> tuple[int, int]:
    """(columns, rows): the fewest rows, then the fewest columns, that hold `count` tiles."""
    for rows in range(1, SPRITES_MAX_EDGE_COUNT + 1):
        for columns in range(rows, SPRITES_MAX_EDGE_COUNT + 1):
            if count <= rows * columns:
                return columns, rows
    raise ValueError(f"{count} tiles do not fit a {SPRITES_MAX_EDGE_COUNT}x{SPRITES_MAX_EDGE_COUNT} grid")


def plan(width: int, height: int, duration: int) -> Grid | None:
    """The grid of a video of `width` x `height` lasting `duration` whole seconds."""
    timing = sprite_timing(duration)
    if timing is None:
        return None
    every, count = timing
    sprite_width, sprite_height = sprite_size(width, height)
    columns, rows = grid_size(count)
    return Grid(sprite_width, sprite_height, columns, rows, every, count)


def storyboard_args(source: str, output: str, grid: Grid, keyframe_seconds: int | None = None) -> list[str]:
    """ffmpeg: one frame every `sprite_duration` s (the first one included), scaled and tiled
    into one JPEG.

    Any source: every frame is decoded, and timestamps are rebuilt from the frame count
    first (PeerTube's way), since the select expression needs `t` to grow steadily even when
    the file's own timestamps do not. A source with a keyframe every `keyframe_seconds` from
    the start (what the transcoder makes: ladder.GOP_SECONDS), when a tile stands for at
    least that long: only keyframes are decoded, and tile i is the first keyframe at or after
    i x `sprite_duration` (the same frame when the interval is a multiple of the keyframe
    spacing, at most one spacing later otherwise); about ten times faster on a long video.
    """
    every = grid.sprite_duration
    if keyframe_seconds and every >= keyframe_seconds:
        decode = ["-skip_frame", "nokey"]
        pick = [f"select='gte(t,selected_n*{every})'"]
    else:
        decode = []
        pick = ["setpts=N/FRAME_RATE/TB", f"select='isnan(prev_selected_t)+gte(t-prev_selected_t,{every})'"]
    chain = ",".join(
        [*pick, f"scale={grid.sprite_width}:{grid.sprite_height}", f"tile=layout={grid.columns}x{grid.rows}"]
    )
    return [
        "ffmpeg",
        *COMMON,
        *decode,
        *work_input(source),
        "-map", "0:v:0", "-an", "-sn", "-dn",
        "-vf", chain,
        "-frames:v", "1",
        "-q:v", str(JPEG_QUALITY),
        "-f", "image2", "-update", "1",
        output,
    ]  # fmt: skip


def make(source: str, grid: Grid, workdir: Path, keyframe_seconds: int | None = None) -> tuple[Path, int, int]:
    """Draw the storyboard of `source` (a file the transcoder wrote: MP4 only); the JPEG and
    its width and height as written. `keyframe_seconds`: the source's keyframe spacing, when
    it has one from its start (storyboard_args)."""
    output = workdir / "storyboard.jpg"
    run(storyboard_args(source, str(output), grid, keyframe_seconds))
    if not output.exists() or output.stat().st_size == 0:
        raise TranscodeError("ffmpeg wrote no storyboard")
    width, height = image_size(output)
    return output, width, height


def image_size(path: Path) -> tuple[int, int]:
    """An image's width and height, as ffprobe reads them."""
    completed = subprocess.run(
        [
            "ffprobe", "-v", "error", "-select_streams", "v:0",
            "-show_entries", "stream=width,height", "-of", "json",
            "-protocol_whitelist", "file", "-format_whitelist", "image2,jpeg_pipe",
            str(path),
        ],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    if completed.returncode != 0:
        raise TranscodeError("the storyboard could not be read back")
    stream = (json.loads(completed.stdout or "{}").get("streams") or [{}])[0]
    return int(stream["width"]), int(stream["height"])
