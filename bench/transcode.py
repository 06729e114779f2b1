"""Serial against chunked transcoding of one clip, with PeerTube's default ladder.

    python bench/transcode.py [--seconds 60] [--height 1080] [--fps 30] [--chunk 12]

Makes a test clip with ffmpeg, then prints for each path: time to the first playable
rendition, time to all renditions, speed in multiples of real time, and bytes written.
For the chunked path it also prints the sum of chunk times and the longest chunk: with one
Lambda per chunk, the wall time is the longest chunk plus packaging.
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

from chalicelib.media import transcode  # noqa: E402
from chalicelib.media.chunks import plan_chunks  # noqa: E402
from chalicelib.media.ladder import ladder  # noqa: E402
from chalicelib.media.probe import probe  # noqa: E402


def make_clip(path: Path, seconds: int, height: int, fps: int) -> None:
    width = height * 16 // 9
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={fps}",
         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
         "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18",
         "-c:a", "aac", "-b:a", "192k", "-pix_fmt", "yuv420p", str(path)],
        check=True,
    )  # fmt: skip


def bench_serial(source: Path, workdir: Path) -> dict[str, float]:
    info = probe(str(source))
    renditions = ladder(info.as_source())
    started = time.perf_counter()
    audio = transcode.encode_audio(str(source), info, workdir)
    whole = plan_chunks(info.duration, info.duration + 4)[0]
    first = 0.0
    packaged = []
    # Lowest resolution first: that is the first one a viewer can play.
    for rendition in sorted(renditions, key=lambda r: r.resolution):
        chunk = transcode.encode_chunk(str(source), info, rendition, whole, workdir)
        packaged.append(transcode.package("serial", rendition, [chunk], audio, workdir))
        first = first or time.perf_counter() - started
    transcode.finalize("serial", packaged, workdir)
    return {"first": first, "all": time.perf_counter() - started, "bytes": sum(p.size for p in packaged)}


def bench_chunked(source: Path, workdir: Path, chunk_seconds: float) -> dict[str, float]:
    info = probe(str(source))
    renditions = ladder(info.as_source())
    chunks = plan_chunks(info.duration, chunk_seconds)
    started = time.perf_counter()
    audio = transcode.encode_audio(str(source), info, workdir)
    audio_time = time.perf_counter() - started
    chunk_times: list[float] = []
    files: dict[int, list[Path]] = {}
    for rendition in renditions:
        for chunk in chunks:
            t = time.perf_counter()
            files.setdefault(rendition.resolution, []).append(
                transcode.encode_chunk(str(source), info, rendition, chunk, workdir)
            )
            chunk_times.append(time.perf_counter() - t)
    package_times = []
    packaged = []
    for rendition in renditions:
        t = time.perf_counter()
        packaged.append(transcode.package("chunked", rendition, files[rendition.resolution], audio, workdir))
        package_times.append(time.perf_counter() - t)
    transcode.finalize("chunked", packaged, workdir)
    return {
        "chunks": len(chunks) * len(renditions),
        "sum": sum(chunk_times),
        "longest": max(chunk_times),
        "audio": audio_time,
        "package": max(package_times),
        "all": time.perf_counter() - started,
        "bytes": sum(p.size for p in packaged),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--chunk", type=float, default=12.0, help="seconds of source per chunk")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        base = Path(directory)
        source = base / "clip.mp4"
        make_clip(source, args.seconds, args.height, args.fps)
        info = probe(str(source))
        names = ", ".join(f"{r.resolution}p" for r in ladder(info.as_source()))
        print(f"source: {args.seconds} s of {info.width}x{info.height} at {args.fps} fps; renditions {names}")
        (base / "serial").mkdir()
        (base / "chunked").mkdir()
        serial = bench_serial(source, base / "serial")
        chunked = bench_chunked(source, base / "chunked", args.chunk)
    duration = args.seconds
    print(
        f"serial:  first playable {serial['first']:.1f} s, all {serial['all']:.1f} s "
        f"({duration / serial['all']:.2f}x real time), {serial['bytes'] / 1e6:.1f} MB"
    )
    wall = chunked["audio"] + chunked["longest"] + chunked["package"]
    print(
        f"chunked: {chunked['chunks']:.0f} chunks of {args.chunk:.0f} s; "
        f"sum of chunk times {chunked['sum']:.1f} s, longest chunk {chunked['longest']:.1f} s; "
        f"audio {chunked['audio']:.1f} s; packaging {chunked['package']:.1f} s"
    )
    print(
        f"         wall time with one Lambda per chunk ~{wall:.1f} s ({duration / wall:.1f}x real time, "
        f"{wall / duration:.2f} of the duration); one process here {chunked['all']:.1f} s; "
        f"{chunked['bytes'] / 1e6:.1f} MB ({(chunked['bytes'] / serial['bytes'] - 1) * 100:+.1f} % against serial)"
    )


if __name__ == "__main__":
    main()
