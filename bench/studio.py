"""How much video one studio edit pass handles in a transcoder invocation (15 minutes), with
the transcoder's own 1080p encode of the same clip as the reference run.

    python bench/studio.py [--seconds 20] [--height 1080] [--fps 30]

Makes a test clip and a watermark with ffmpeg, then times, on this machine:
- the edit pass (chalicelib/media/studio.py) of a cut (1 s off each end) and a watermark,
  the two tasks of the e2e test: two ffmpeg runs, x264 CRF 17, as the transcoder runs them;
- the reference: one 1080p rendition of the whole clip as the transcoding pipeline encodes
  a chunk (chalicelib/media/transcode.py);
- the same edit in chunks (chalicelib/media/studio_chunks.py, docs/studio.md "Long
  videos"): each piece's step (the pipeline's chunk length for the clip's height), the audio
  step and the join, one after another as if each were its own invocation.
Prints each in multiples of real time, the edit's cost as a ratio to the reference, the
longest video one 900-second invocation would edit at the measured speed (less a minute for
the download of the source and the upload of the result), and the longest chunk step's time
as a ratio to the single pass's (`--seconds 60` gives two pieces of 29 s at 1080p).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.transcode import make_clip  # noqa: E402
from chalicelib.media import commands, studio_chunks, transcode  # noqa: E402
from chalicelib.media import studio as edits  # noqa: E402
from chalicelib.media.chunks import chunk_seconds, plan_chunks  # noqa: E402
from chalicelib.media.inputs import user_input  # noqa: E402
from chalicelib.media.ladder import ladder  # noqa: E402
from chalicelib.media.probe import MediaInfo, probe  # noqa: E402

INVOCATION_SECONDS = 900
TRANSFER_MARGIN_SECONDS = 60


def make_watermark(path: Path) -> None:
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
         "-i", "color=c=red@0.8:size=256x256", "-frames:v", "1", str(path)],
        check=True,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--fps", type=int, default=30)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cirrus-bench-studio-") as directory:
        work = Path(directory)
        clip, mark = work / "clip.mp4", work / "mark.png"
        make_clip(clip, options.seconds, options.height, options.fps)
        make_watermark(mark)
        info = probe(str(clip))

        reference_dir = work / "reference"
        reference_dir.mkdir()
        top = max(ladder(info.as_source()), key=lambda rendition: rendition.resolution)
        whole = plan_chunks(info.duration, info.duration + 4)[0]
        started = time.perf_counter()
        transcode.encode_chunk(str(clip), info, top, whole, reference_dir)
        reference = time.perf_counter() - started

        edit_dir = work / "edit"
        edit_dir.mkdir()
        tasks: list[edits.Task] = [edits.Keep(((1.0, info.duration - 1.0),)), edits.Watermark(mark)]
        started = time.perf_counter()
        result = edits.apply(str(clip), tasks, edit_dir, source_is_upload=False)
        edit = time.perf_counter() - started
        edited = probe(str(result)).duration

        chunked_dir = work / "chunked"
        chunked_dir.mkdir()
        steps, length = _chunked_steps(str(clip), info, tasks, chunked_dir)

    speed = info.duration / edit
    longest = (INVOCATION_SECONDS - TRANSFER_MARGIN_SECONDS) * speed
    print(f"clip: {info.duration:.1f} s of {options.height}p{options.fps}; edited: {edited:.1f} s")
    print(f"reference ({top.resolution}p rendition, one chunk): {reference:.1f} s, "
          f"{info.duration / reference:.2f}x real time")  # fmt: skip
    print(f"edit pass (cut + watermark): {edit:.1f} s, {speed:.2f}x real time, "
          f"{edit / reference:.2f}x the reference")  # fmt: skip
    print(f"longest {options.height}p video one {INVOCATION_SECONDS} s invocation edits at this speed: "
          f"{longest / 60:.1f} minutes")  # fmt: skip
    pieces = [(name, seconds) for name, seconds in steps if name.startswith("piece")]
    slowest_name, slowest = max(pieces, key=lambda step: step[1])
    print(f"in chunks of {length:g} s: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in steps))
    print(f"longest chunk step ({slowest_name}): {slowest:.1f} s, {slowest / edit:.2f}x the single pass; "
          f"all steps one after another: {sum(t for _, t in steps):.1f} s, "
          f"{sum(t for _, t in steps) / edit:.2f}x the single pass")  # fmt: skip


def _chunked_steps(
    clip: str, info: MediaInfo, tasks: list[edits.Task], work: Path
) -> tuple[list[tuple[str, float]], float]:
    """Each step of the edit in chunks, timed: (name, seconds) in order, and the chunk length."""
    length = float(chunk_seconds(info.as_source().resolution))
    timeline = studio_chunks.timeline(tasks, info.duration, {})
    pieces = studio_chunks.split(timeline, length)
    timed: list[tuple[str, float]] = []
    paths: list[str] = []
    for index, piece in enumerate(pieces):
        output = work / f"piece-{index}.mp4"
        argv = studio_chunks.piece_args(
            user_input(clip), piece, piece.marks, (info.width, info.height), info.fps, str(output)
        )
        timed.append((f"piece {index} ({piece.duration:.0f} s)", _timed(argv)))
        paths.append(str(output))
    audio = work / "audio.m4a"
    timed.append(("audio", _timed(studio_chunks.audio_args(user_input(clip), timeline, {}, str(audio)))))
    listing = work / "pieces.txt"
    listing.write_text(commands.concat_list(paths))
    result = work / "result.mp4"
    timed.append(("join", _timed(studio_chunks.join_args(str(listing), str(audio), str(result)))))
    studio_chunks.check_duration(str(result), pieces, info.fps)
    return timed, length


def _timed(argv: list[str]) -> float:
    started = time.perf_counter()
    transcode.run(argv)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
