"""The studio's edit in pieces, for videos too long for one transcoder invocation
(docs/studio.md, "Long videos"). Pure of the store: plans and ffmpeg command lines.

The tasks (media/studio.py), applied in order, only ever keep ranges of what they are given,
add a clip before or after, or lay an image over everything so far. So their result is a
timeline of pieces, each a range of the source or of an intro/outro clip with the watermarks
laid over it (`timeline`). The ranges are then cut on the transcoding pipeline's chunk
grid (`split`): a cut or removed segment drops whole chunks and trims only the chunks
at its borders. Each piece is encoded on its own, video only (`piece_args`: input seeking
and re-encoding are exact to the frame, so a piece may start anywhere); the audio, never
chunked (AAC's priming samples would click at every border, as commands.audio_encode_args
says), is one step over the whole timeline (`audio_args`); the final step joins the pieces
with the concat demuxer, streams copied, and the audio (`join_args`), and the result's
duration is checked against the plan's (`check_duration`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from chalicelib.media.commands import COMMON, concat_input
from chalicelib.media.inputs import work_input
from chalicelib.media.probe import probe
from chalicelib.media.studio import AUDIO_ENCODE, VIDEO_ENCODE, Join, Keep, Task, fitted, image_input, overlay
from chalicelib.media.transcode import TranscodeError

# Below this, a range is a rounding's leftover, not a piece (a frame at 100 fps).
_EPSILON = 0.01
# Every piece's track in the same time scale, so the concat demuxer joins them by copying.
_TIMESCALE = "90000"
_AUDIO_FORMAT = "aformat=sample_rates=48000:channel_layouts=stereo"


@dataclass(frozen=True)
class Piece:
    """[start, end) seconds of the source (`clip` None) or of an intro/outro clip (its file's
    name), with the watermarks (their files' names) laid over it, in order."""

    clip: str | None
    start: float
    end: float
    marks: tuple[str, ...] = ()

    @property
    def duration(self) -> float:
        return self.end - self.start

    def to_json(self) -> list[Any]:
        return [self.clip, self.start, self.end, list(self.marks)]

    @classmethod
    def from_json(cls, value: Sequence[Any]) -> Piece:
        clip, start, end, marks = value
        return cls(None if clip is None else str(clip), float(start), float(end), tuple(str(m) for m in marks))


def timeline(tasks: Sequence[Task], duration: float, clip_durations: Mapping[str, float]) -> list[Piece]:
    """What the tasks, applied in order to a source of `duration` seconds, make of it. Clips
    and images are named by `str()` of their paths (the edit's file names)."""
    pieces = [Piece(None, 0.0, duration)]
    for task in tasks:
        if isinstance(task, Keep):
            pieces = _kept(pieces, task.ranges)
        elif isinstance(task, Join):
            name = str(task.clip)
            clip = Piece(name, 0.0, clip_durations[name])
            pieces = [clip, *pieces] if task.before else [*pieces, clip]
        else:
            pieces = [replace(piece, marks=(*piece.marks, str(task.image))) for piece in pieces]
    return pieces


def _kept(pieces: Sequence[Piece], ranges: Sequence[tuple[float, float]]) -> list[Piece]:
    """The parts of `pieces` (laid end to end) inside `ranges` of their joined time."""
    kept: list[Piece] = []
    for low, high in ranges:
        offset = 0.0
        for piece in pieces:
            start, end = max(low, offset), min(high, offset + piece.duration)
            if end - start > _EPSILON:
                kept.append(replace(piece, start=piece.start + start - offset, end=piece.start + end - offset))
            offset += piece.duration
    return kept


def split(pieces: Sequence[Piece], length: float) -> list[Piece]:
    """The pieces cut where the chunk grid (multiples of `length` of their file's time: the
    transcoding pipeline's chunks, for the source) crosses them; a cut closer than half a
    chunk to a piece's end is left out, so no piece is a sliver (as plan_chunks joins a short
    last chunk to the one before). An intro or outro is cut as the source is: it may be long."""
    cut: list[Piece] = []
    for piece in pieces:
        first = math.floor(piece.start / length) + 1
        grid = (index * length for index in range(first, math.ceil(piece.end / length)))
        inside = [at for at in grid if piece.start + length / 2 <= at <= piece.end - length / 2]
        bounds = [piece.start, *inside, piece.end]
        cut += [replace(piece, start=start, end=end) for start, end in itertools.pairwise(bounds)]
    return cut


def total_duration(pieces: Sequence[Piece]) -> float:
    return sum(piece.duration for piece in pieces)


def piece_args(
    video_input: list[str], piece: Piece, marks: Sequence[str], size: tuple[int, int], fps: float, output: str
) -> list[str]:
    """One piece's video, watermarked, near-losslessly encoded (as the single pass): a range
    of the source or of a clip (input seeking; `video_input` is its file's input options and
    `-i`), a clip's brought to the video's size and frame rate. `marks`: the watermarks'
    paths."""
    width, height = size
    # Both as the input's options (an output's -t would be read as the next input's).
    argv = ["ffmpeg", *COMMON, "-ss", f"{piece.start:.6f}", "-t", f"{piece.duration:.6f}", *video_input]
    if piece.clip is None:
        label, filters = "[0:v:0]", []
    else:
        label, filters = "[fit]", [f"[0:v:0]{fitted(width, height, fps)}[fit]"]
    for index, mark in enumerate(marks, start=1):
        argv += image_input(mark)
        filters.append(overlay(label, index, height, f"[marked{index}]"))
        label = f"[marked{index}]"
    filters.append(f"{label}format=yuv420p[v]")
    return [
        *argv, "-filter_complex", ";".join(filters), "-map", "[v]", "-an", "-sn", "-dn", *VIDEO_ENCODE,
        "-video_track_timescale", _TIMESCALE, "-max_muxing_queue_size", "1024", "-map_metadata", "-1",
        "-f", "mp4", output,
    ]  # fmt: skip


def audio_args(
    source: list[str] | None, pieces: Sequence[Piece], clips: Mapping[str, list[str]], output: str
) -> list[str]:
    """The whole timeline's sound in one AAC track: the source's ranges (`source`: its input
    options, None when it has no audio), each clip's range (`clips`: the input options of
    those that have a sound), silence for the rest."""
    argv = ["ffmpeg", *COMMON]
    inputs: dict[str | None, int] = {}
    for name, given in [(None, source), *clips.items()]:
        if given is not None:
            inputs[name] = len(inputs)
            argv += given
    filters: list[str] = []
    for index, piece in enumerate(pieces):
        where = inputs.get(piece.clip)
        if where is None:
            sound = f"anullsrc=r=48000:cl=stereo,atrim=end={piece.duration:.6f}"
        else:
            # A clip's sound is padded first: where it ends before the picture, silence.
            pad = "" if piece.clip is None else ",apad"
            trim = f"atrim=start={piece.start:.6f}:end={piece.end:.6f},asetpts=PTS-STARTPTS"
            sound = f"[{where}:a:0]{_AUDIO_FORMAT}{pad},{trim}"
        filters.append(f"{sound}[a{index}]")
    labels = "".join(f"[a{index}]" for index in range(len(pieces)))
    filters.append(f"{labels}concat=n={len(pieces)}:v=0:a=1[a]")
    return [
        *argv, "-filter_complex", ";".join(filters), "-map", "[a]", *AUDIO_ENCODE,
        "-map_metadata", "-1", "-f", "mp4", output,
    ]  # fmt: skip


def join_args(piece_list: str, audio: str | None, output: str) -> list[str]:
    """The pieces (a concat list of their URLs) and the audio in one MP4, streams copied."""
    argv = ["ffmpeg", *COMMON, *concat_input(piece_list)]
    maps = ["-map", "0:v:0"]
    if audio is not None:
        argv += work_input(audio)
        maps += ["-map", "1:a:0"]
    return [*argv, *maps, "-c", "copy", "-map_metadata", "-1", "-movflags", "+faststart", "-f", "mp4", output]


def check_duration(path: str, pieces: Sequence[Piece], fps: float) -> None:
    """The joined file lasts what the plan says, within a frame per piece (each piece's
    picture ends on a frame) and AAC's last frame: TranscodeError otherwise."""
    expected = total_duration(pieces)
    found = probe(path).duration
    tolerance = 0.1 + len(pieces) / (fps or 25)
    if abs(found - expected) > tolerance:
        raise TranscodeError(f"The edited video lasts {found:.2f} s instead of {expected:.2f} s.")
