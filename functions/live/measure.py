"""Measures the ingest: time from the first packet to the first playable segment, and CPU per
second of stream of the service itself (RTMP, FLV to ffmpeg, publishing segments) and of its
ffmpeg, for passthrough and for growing ladders (the difference between two ladders is the
cost of the rendition added). The encoder is ffmpeg copying a prepared 1080p30 FLV (6 Mbit/s,
AAC) in real time, as OBS would send it, so its own CPU is not the machine's bottleneck.

    python -m functions.live.measure [--seconds 20] [--preset veryfast] [--threads 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from functions.live.ports import LATENCY_DEFAULT, LATENCY_SMALL, DirectorySink, LiveTarget, Refusal, SessionRecord
from functions.live.server import RtmpServer
from functions.live.service import LiveService
from functions.live.settings import LiveSettings

KEY = "measure"
VIDEO = "00000000-0000-4000-8000-00000000live"


@dataclass(frozen=True)
class Case:
    name: str
    transcoding: bool
    resolutions: tuple[int, ...]
    latency_mode: int = LATENCY_DEFAULT


CASES = [
    Case("passthrough, 4 s segments", False, ()),
    Case("passthrough, 2 s segments", False, (), LATENCY_SMALL),
    Case("1080p", True, ()),
    Case("1080p, 720p", True, (720,)),
    Case("1080p, 720p, 480p", True, (480, 720)),
    Case("1080p ... 240p (5), 2 s segments", True, (240, 360, 480, 720), LATENCY_SMALL),
]


@dataclass(frozen=True)
class Result:
    case: Case
    stream_seconds: float
    wall_seconds: float
    first_playable: float | None
    service_cpu: float  # CPU seconds per second of stream
    ffmpeg_cpu: float
    segments: int


def prepare_input(path: Path, seconds: int) -> None:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=30",
         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", str(seconds),
         "-c:v", "libx264", "-preset", "veryfast", "-b:v", "6M", "-maxrate", "6M", "-bufsize", "12M", "-g", "60",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "160k", "-f", "flv", str(path)],
        check=True, timeout=600,
    )  # fmt: skip


async def measure(case: Case, source: Path, seconds: float, base: LiveSettings, workdir: Path) -> Result:
    sessions: list[SessionRecord] = []

    async def authorise(stream_key: str) -> LiveTarget | Refusal:
        if stream_key != KEY:
            return Refusal("unknown stream key")
        return LiveTarget(VIDEO, f"streaming-playlists/hls/{VIDEO}", latency_mode=case.latency_mode)

    async def on_state(video_id: str, state: int) -> None:
        return None

    async def on_session_end(session: SessionRecord) -> None:
        sessions.append(session)

    settings = replace(
        base, transcoding=case.transcoding, resolutions=case.resolutions, reconnect_window=0, work_dir=workdir / "work"
    )
    sink = DirectorySink(workdir / "sink")
    service = LiveService(settings, authorise=authorise, on_state=on_state, sink=sink, on_session_end=on_session_end)
    server = RtmpServer(service)
    port = _free_port()
    await server.start("127.0.0.1", port)
    before_self, before_children = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    pusher = subprocess.Popen(
        ["ffmpeg", "-v", "error", "-nostdin", "-re", "-i", str(source), "-t", str(seconds), "-c", "copy", "-f", "flv",
         f"rtmp://127.0.0.1:{port}/live/{KEY}"],
    )  # fmt: skip
    _, _, usage = await asyncio.to_thread(os.wait4, pusher.pid, 0)
    pusher_cpu = usage.ru_utime + usage.ru_stime
    while not sessions:
        await asyncio.sleep(0.1)
    wall = time.monotonic() - started
    service_cpu = _cpu(resource.RUSAGE_SELF) - before_self
    ffmpeg_cpu = _cpu(resource.RUSAGE_CHILDREN) - before_children - pusher_cpu
    await server.stop()
    playable = service.metrics.first_playable_seconds
    segments = sum(len(r.segments) for r in sessions[0].renditions)
    return Result(
        case, seconds, wall, playable[0] if playable else None, service_cpu / seconds, ffmpeg_cpu / seconds, segments
    )


def report(results: list[Result]) -> str:
    lines = [
        "| ladder | first packet → playable | service CPU | ffmpeg CPU | kept real time |",
        "|---|---|---|---|---|",
    ]
    for result in results:
        playable = f"{result.first_playable:.2f} s" if result.first_playable is not None else "never"
        # The encoder sends in real time: a session ending much later than the stream means
        # ffmpeg fell behind (the end delay of 2 s aside).
        kept = "yes" if result.wall_seconds < result.stream_seconds + 6 else f"no ({result.wall_seconds:.0f} s)"
        lines.append(
            f"| {result.case.name} | {playable} | {result.service_cpu:.3f} | {result.ffmpeg_cpu:.2f} | {kept} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure the live ingest")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--preset", default="veryfast")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--case", action="append", help="only the cases whose name starts with this")
    options = parser.parse_args()
    base = LiveSettings(preset=options.preset, threads=options.threads)
    cases = [c for c in CASES if not options.case or any(c.name.startswith(p) for p in options.case)]
    with tempfile.TemporaryDirectory(prefix="cirrus-live-measure-") as temporary:
        root = Path(temporary)
        source = root / "input.flv"
        prepare_input(source, options.seconds)
        results = []
        for index, case in enumerate(cases):
            results.append(asyncio.run(measure(case, source, options.seconds, base, root / str(index))))
            print(report(results[-1:]).splitlines()[-1], flush=True)
    print(f"\nCPU: seconds per second of stream (1.0 is one core); preset {options.preset}, threads {options.threads}")
    print(report(results))


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


if __name__ == "__main__":
    main()
