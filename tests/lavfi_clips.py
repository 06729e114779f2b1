"""Short clips made with ffmpeg's lavfi sources, for the tests that edit or join videos."""

from __future__ import annotations

import subprocess
from pathlib import Path


def lavfi_clip(path: Path, seconds: float, size: str, *, audio: bool = True, colour: str | None = None) -> Path:
    """H.264 (and AAC with `audio`) at 25 frames per second: a test pattern, or a plain
    `colour` where a test reads pixels."""
    picture = f"color=c={colour}:size={size}:rate=25" if colour else f"testsrc2=size={size}:rate=25"
    sound = ["-f", "lavfi", "-i", "sine=frequency=400", "-c:a", "aac"] if audio else []
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", picture, *sound, "-t", str(seconds),
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)],
        check=True,
    )  # fmt: skip
    return path
