"""Serial against chunked transcoding of one clip, with PeerTube's default ladder, and the
same clip through the local stack by its Lambda functions and by remote runners.

    python bench/transcode.py [--seconds 60] [--height 1080] [--fps 30] [--chunk SECONDS] [--runners 1]
                              [--no-serial] [--scale-to SECONDS] [--no-stack | --stack-only]

Makes a test clip with ffmpeg, then prints for each path: time to the first playable
rendition, time to all renditions, speed in multiples of real time, and bytes written.
For the chunked path it also prints the sum of chunk times and the longest chunk: with one
Lambda per chunk, the wall time is the longest chunk plus packaging. The chunked path runs
the ingest as the pipeline does (ffprobe, then the content-aware probe choosing the CRF of
every chunk), and prints the time to watchable (progressive publication: the ingest, then
the lowest rendition's longest chunk or the audio, whichever is longer, then its packaging)
and to complete (the ingest, the longest chunk of any rendition or the audio, the longest
packaging), as ratios of the source's duration (goals 0.05 and 0.25), from the parts' wall
times and from their CPU times (ffmpeg's; one core per step, what the load of a shared
machine changes least). Chunks are as long as the pipeline makes them (media/chunks.py)
unless --chunk says otherwise, so a chunk costs the same in a 1-minute and a 10-minute
source: `--scale-to 600` prints the 10-minute figures from a shorter run, the audio and the
packaging (which grow with the duration) scaled.

Then (unless --no-stack) it starts the local stack (`python -m local`), uploads the clip and
times it from the end of the upload to publication twice: with the transcoder functions
(the event pump runs the chunk steps one at a time, as one Lambda would), and with remote
runners enabled and `--runners` processes of tools/runner taking the chunk jobs. It prints
both wall times and their ratio.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chalicelib.media import complexity, transcode  # noqa: E402
from chalicelib.media.chunks import chunk_seconds, plan_chunks  # noqa: E402
from chalicelib.media.ladder import PEERTUBE, Choice, choose, ladder, with_choice  # noqa: E402
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


class Clock:
    """Wall and CPU seconds (ffmpeg's, the child processes') of each timed part: on a shared
    machine the wall time follows the load, the CPU time much less."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def time(self, name: str, work: Any) -> Any:
        wall, cpu = time.perf_counter(), _children_cpu()
        result = work()
        self.wall[name] = time.perf_counter() - wall
        self.cpu[name] = _children_cpu() - cpu
        return result


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_chunked(source: Path, workdir: Path, chunk_length: float | None) -> dict[str, Any]:
    started = time.perf_counter()
    clock = Clock()

    def ingest() -> tuple[Any, Choice]:
        info = probe(str(source))
        # The ingest's content-aware probe (steps._content_aware_choice): the CRF and share of
        # the caps of every chunk.
        result = complexity.measure(str(source), info, workdir) if complexity.worth_probing(info) else None
        return info, choose(result) if result is not None else PEERTUBE

    info, choice = clock.time("ingest", ingest)
    renditions = with_choice(ladder(info.as_source()), choice)
    top = max(r.resolution for r in renditions)
    chunks = plan_chunks(info.duration, chunk_length or chunk_seconds(top))
    audio = clock.time("audio", lambda: transcode.encode_audio(str(source), info, workdir))
    files: dict[int, list[Path]] = {}
    for rendition in renditions:
        for chunk in chunks:
            encoded = clock.time(
                f"chunk {rendition.resolution} {chunk.index}",
                lambda r=rendition, c=chunk: transcode.encode_chunk(str(source), info, r, c, workdir),
            )
            files.setdefault(rendition.resolution, []).append(encoded)
    packaged = [
        clock.time(
            f"package {r.resolution}",
            lambda r=r: transcode.package("chunked", r, files[r.resolution], audio, workdir),
        )
        for r in renditions
    ]
    transcode.finalize("chunked", packaged, workdir)
    return {
        "clock": clock,
        "chunks": len(chunks) * len(renditions),
        "chunk_seconds": chunks[0].end - chunks[0].start,
        "choice": choice,
        "lowest": min(r.resolution for r in renditions),
        "all": time.perf_counter() - started,
        "bytes": sum(p.size for p in packaged),
    }


def one_lambda_per_step(times: dict[str, float], lowest: int, scale: float) -> tuple[float, float]:
    """Time to watchable and to complete with one Lambda per step, from the parts' times: the
    ingest, then the chunks and the audio side by side, then each rendition's packaging. With
    `scale`, the audio and the packaging (which grow with the duration) are scaled; chunks are
    as long whatever the duration, and the probe samples a fixed 6 s."""
    chunks = {name: t for name, t in times.items() if name.startswith("chunk ")}
    lowest_chunk = max(t for name, t in chunks.items() if name.split()[1] == str(lowest))
    audio = times["audio"] * scale
    packages = {name: t * scale for name, t in times.items() if name.startswith("package ")}
    watchable = times["ingest"] + max(audio, lowest_chunk) + packages[f"package {lowest}"]
    complete = times["ingest"] + max(audio, *chunks.values()) + max(packages.values())
    return watchable, complete


def bench_stack(clip: Path, runners: int, workdir: Path) -> dict[str, float]:
    """Upload to publication on the local stack: by the transcoder functions, then by runners."""
    import copy
    import signal

    from tests.conftest import ROOT_PASSWORD
    from tests.e2e.harness import Client, RunningStack

    stack = RunningStack(workdir / "data")
    stack.start()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        client = Client(stack)
        root = str(client.login("root", ROOT_PASSWORD)["access_token"])
        lambda_seconds = _publish_time(client, root, clip, "By the functions")
        print(f"local stack, upload to published by the functions: {lambda_seconds:.1f} s", flush=True)
        custom = client.send("GET", "/api/v1/config/custom", root).json()
        changed = copy.deepcopy(custom)
        changed["transcoding"]["remoteRunners"] = {"enabled": True, "cirrusChunks": True}
        assert client.send("PUT", "/api/v1/config/custom", root, json=changed).status_code == 200
        assert client.send("POST", "/api/v1/runners/registration-tokens/generate", root).status_code == 204
        tokens = client.send("GET", "/api/v1/runners/registration-tokens", root).json()["data"]
        for n in range(runners):
            command = [
                sys.executable, "-m", "tools.runner", "--url", stack.url,
                "--registration-token", tokens[0]["registrationToken"], "--name", f"bench-{n}",
                "--state", str(workdir / f"runner-{n}.json"), "--poll-every", "0.3",
            ]  # fmt: skip
            log = open(workdir / f"runner-{n}.log", "ab")  # noqa: SIM115 (the process keeps it)
            processes.append(subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log))
        runner_seconds = _publish_time(client, root, clip, "By runners")
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)  # it stops once its job in hand is done
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        stack.stop()
    return {"lambda": lambda_seconds, "runner": runner_seconds}


def _publish_time(client: Any, root: str, clip: Path, name: str) -> float:
    """Seconds from the end of a resumable upload (PeerTube's, in 8 MB chunks: the clip is
    larger than API Gateway's 10 MB) to publication."""
    import requests

    from tests.e2e.harness import upload_resumable

    uuid = upload_resumable(client, root, clip.read_bytes(), name)
    started = time.perf_counter()
    while True:
        try:
            state = client.send("GET", f"/api/v1/videos/{uuid}", root).json()["state"]["id"]
        except requests.RequestException:
            state = 2  # a machine busy encoding may answer late: ask again
        if state == 1:
            return time.perf_counter() - started
        assert state == 2, f"the video's state became {state}"
        time.sleep(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--chunk", type=float, default=None, help="seconds of source per chunk (default: as planned)")
    parser.add_argument("--no-serial", action="store_true", help="skip the serial reference (chunked path only)")
    parser.add_argument(
        "--scale-to", type=int, default=None, help="also print the ratios for a source this long (seconds)"
    )
    parser.add_argument("--runners", type=int, default=1, help="runner processes on the local stack")
    parser.add_argument("--no-stack", action="store_true", help="skip the local stack's functions and runners")
    parser.add_argument("--stack-only", action="store_true", help="only the local stack's functions and runners")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        base = Path(directory)
        source = base / "clip.mp4"
        make_clip(source, args.seconds, args.height, args.fps)
        info = probe(str(source))
        names = ", ".join(f"{r.resolution}p" for r in ladder(info.as_source()))
        print(
            f"source: {args.seconds} s of {info.width}x{info.height} at {args.fps} fps; renditions {names}", flush=True
        )
        if not args.stack_only:
            (base / "serial").mkdir()
            (base / "chunked").mkdir()
            serial = None if args.no_serial else bench_serial(source, base / "serial")
            _print_in_process(args, serial, bench_chunked(source, base / "chunked", args.chunk))
        if not args.no_stack:
            (base / "stack").mkdir()
            stack = bench_stack(source, args.runners, base / "stack")
            print(
                f"local stack, upload to published: functions {stack['lambda']:.1f} s, "
                f"{args.runners} runner(s) {stack['runner']:.1f} s; "
                f"runner / functions {stack['runner'] / stack['lambda']:.2f}"
            )


def _print_in_process(args: argparse.Namespace, serial: dict[str, float] | None, chunked: dict[str, Any]) -> None:
    duration = args.seconds
    if serial is not None:
        print(
            f"serial:  first playable {serial['first']:.1f} s, all {serial['all']:.1f} s "
            f"({duration / serial['all']:.2f}x real time), {serial['bytes'] / 1e6:.1f} MB"
        )
    clock, lowest = chunked["clock"], chunked["lowest"]
    chunk_wall = [t for name, t in clock.wall.items() if name.startswith("chunk ")]
    print(
        f"chunked: ingest (probe and content-aware probe, CRF {chunked['choice'].crf:g}, caps "
        f"x{chunked['choice'].cap_share:g}) {clock.wall['ingest']:.1f} s "
        f"(CPU {clock.cpu['ingest']:.1f} s); {chunked['chunks']:.0f} chunks of {chunked['chunk_seconds']:.0f} s; "
        f"sum of chunk times {sum(chunk_wall):.1f} s, longest chunk {max(chunk_wall):.1f} s; "
        f"audio {clock.wall['audio']:.1f} s; one process here {chunked['all']:.1f} s; {chunked['bytes'] / 1e6:.1f} MB"
        + (f" ({(chunked['bytes'] / serial['bytes'] - 1) * 100:+.1f} % against serial)" if serial else "")
    )
    for label, times in (("wall", clock.wall), ("CPU", clock.cpu)):
        for target in sorted({duration, args.scale_to or duration}):
            watchable, complete = one_lambda_per_step(times, lowest, target / duration)
            scaled = "" if target == duration else f", audio and packaging scaled to {target} s"
            print(
                f"  one Lambda per step, parts' {label} times{scaled}: watchable ({lowest}p) ~{watchable:.1f} s "
                f"= {watchable / target:.3f} of {target} s (goal 0.05), complete ~{complete:.1f} s "
                f"= {complete / target:.3f} (goal 0.25)",
                flush=True,
            )


if __name__ == "__main__":
    main()
