"""Cutting a video into chunks that can be encoded independently and joined seamlessly.

Chunks are re-encoded, not copied, and ffmpeg's input seeking is frame-accurate when it
decodes (it starts at the keyframe before and drops what precedes the cut), so a chunk may
start anywhere. Cirrus starts them on a grid of whole HLS segments (multiples of 4 s):
then the fixed 2-second keyframe grid runs unbroken across chunk borders, every segment of
every rendition lasts 4 s, and segments line up across renditions, which players switching
resolution and peers sharing segments both rely on. (Cutting a copied stream is another
matter: it can only cut on the source's keyframes, which is where `-segment_time` goes wrong.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Chunk:
    index: int
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


SEGMENT_SECONDS = 4


def plan_chunks(duration: float, target_seconds: float) -> list[Chunk]:
    """Chunks of about `target_seconds` (rounded to whole segments); one chunk if short.

    A last piece shorter than half a chunk joins the chunk before it.
    """
    if duration <= 0:
        return []
    length = max(SEGMENT_SECONDS, round(target_seconds / SEGMENT_SECONDS) * SEGMENT_SECONDS)
    starts = [float(start) for start in range(0, math.ceil(duration), length)]
    if len(starts) > 1 and duration - starts[-1] < length / 2:
        starts.pop()
    ends = [*starts[1:], duration]
    return [Chunk(index, start, end) for index, (start, end) in enumerate(zip(starts, ends, strict=True))]


def chunk_seconds(resolution: int) -> float:
    """Seconds of source per chunk, so that the slowest rendition's chunk encodes in a few
    minutes even on a modest Lambda (see docs/transcoding.md)."""
    if resolution >= 2160:
        return 10.0
    if resolution >= 1440:
        return 15.0
    return 30.0
