"""How much video one studio edit pass handles in a transcoder invocation (15 minutes), with
the transcoder's own 1080p encode of the same clip as the reference run.

    python bench/studio.py [--seconds 20] [--height 1080] [--fps 30]

Makes a test clip and a watermark with ffmpeg, then times, on this machine:
- the edit pass (chalicelib/media/studio.py) of a cut (1 s off each end) and a watermark,
  the two tasks of the e2e test: two ffmpeg runs, x264 CRF 17, as the transcoder runs them;
- the reference: one 1080p rendition of the whole clip as the transcoding pipeline encodes
  a chunk (chalicelib/media/transcode.py).
Prints each in multiples of real time, the edit's cost as a ratio to the reference, and the
longest video one 900-second invocation would edit at the measured speed (less a minute for
the download of the source and the upload of the result).
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
from chalicelib.media import studio as edits  # noqa: E402
from chalicelib.media import transcode  # noqa: E402
from chalicelib.media.chunks import plan_chunks  # noqa: E402
from chalicelib.media.ladder import ladder  # noqa: E402
from chalicelib.media.probe import probe  # noqa: E402

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

    speed = info.duration / edit
    longest = (INVOCATION_SECONDS - TRANSFER_MARGIN_SECONDS) * speed
    print(f"clip: {info.duration:.1f} s of {options.height}p{options.fps}; edited: {edited:.1f} s")
    print(f"reference ({top.resolution}p rendition, one chunk): {reference:.1f} s, "
          f"{info.duration / reference:.2f}x real time")  # fmt: skip
    print(f"edit pass (cut + watermark): {edit:.1f} s, {speed:.2f}x real time, "
          f"{edit / reference:.2f}x the reference")  # fmt: skip
    print(f"longest {options.height}p video one {INVOCATION_SECONDS} s invocation edits at this speed: "
          f"{longest / 60:.1f} minutes")  # fmt: skip


if __name__ == "__main__":
    main()
