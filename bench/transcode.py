"""Serial against chunked transcoding of one clip, with PeerTube's default ladder, and the
same clip through the local stack by its Lambda functions and by remote runners.

    python bench/transcode.py [--seconds 60] [--height 1080] [--fps 30] [--chunk SECONDS] [--runners 1]
                              [--no-serial] [--no-stack | --stack-only]

Makes a test clip with ffmpeg, then prints for each path: time to the first playable
rendition, time to all renditions, speed in multiples of real time, and bytes written.
For the chunked path it also prints the sum of chunk times and the longest chunk: with one
Lambda per chunk, the wall time is the longest chunk plus packaging. The chunked path runs
the ingest as the pipeline does (ffprobe, then the content-aware probe choosing the CRF of
every chunk), and prints the time to watchable (progressive publication: the ingest, then
the lowest rendition's longest chunk or the audio, whichever is longer, then its packaging)
and to complete (the ingest, the longest chunk of any rendition or the audio, the longest
packaging), as ratios of the source's duration (goals 0.05 and 0.25). Chunks are as long
as the pipeline makes them (media/chunks.py) unless --chunk says otherwise.

Then (unless --no-stack) it starts the local stack (`python -m local`), uploads the clip and
times it from the end of the upload to publication twice: with the transcoder functions
(the event pump runs the chunk steps one at a time, as one Lambda would), and with remote
runners enabled and `--runners` processes of tools/runner taking the chunk jobs. It prints
both wall times and their ratio.
"""

from __future__ import annotations

import argparse
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
from chalicelib.media.ladder import DEFAULT_CRF, choose_crf, ladder, with_crf  # noqa: E402
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


def bench_chunked(source: Path, workdir: Path, chunk_length: float | None) -> dict[str, float]:
    started = time.perf_counter()
    info = probe(str(source))
    # The ingest's content-aware probe (steps._content_aware_crf): its CRF for every chunk.
    result = complexity.measure(str(source), info, workdir) if complexity.worth_probing(info) else None
    crf = choose_crf(result) if result is not None else DEFAULT_CRF
    ingest = time.perf_counter() - started
    renditions = with_crf(ladder(info.as_source()), crf)
    top = max(r.resolution for r in renditions)
    chunks = plan_chunks(info.duration, chunk_length or chunk_seconds(top))
    t = time.perf_counter()
    audio = transcode.encode_audio(str(source), info, workdir)
    audio_time = time.perf_counter() - t
    longest: dict[int, float] = {}
    chunk_times: list[float] = []
    files: dict[int, list[Path]] = {}
    for rendition in renditions:
        for chunk in chunks:
            t = time.perf_counter()
            files.setdefault(rendition.resolution, []).append(
                transcode.encode_chunk(str(source), info, rendition, chunk, workdir)
            )
            chunk_times.append(time.perf_counter() - t)
            longest[rendition.resolution] = max(longest.get(rendition.resolution, 0.0), chunk_times[-1])
    package_times: dict[int, float] = {}
    packaged = []
    for rendition in renditions:
        t = time.perf_counter()
        packaged.append(transcode.package("chunked", rendition, files[rendition.resolution], audio, workdir))
        package_times[rendition.resolution] = time.perf_counter() - t
    transcode.finalize("chunked", packaged, workdir)
    lowest = min(r.resolution for r in renditions)
    return {
        "chunks": len(chunks) * len(renditions),
        "chunk_seconds": chunks[0].end - chunks[0].start,
        "crf": crf,
        "ingest": ingest,
        "sum": sum(chunk_times),
        "longest": max(chunk_times),
        "lowest": lowest,
        "longest_lowest": longest[lowest],
        "audio": audio_time,
        "package": max(package_times.values()),
        "package_lowest": package_times[lowest],
        "all": time.perf_counter() - started,
        "bytes": sum(p.size for p in packaged),
    }


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

    from tests.e2e.harness import put_chunk

    data = clip.read_bytes()
    channel = client.send("GET", "/api/v1/users/me", root).json()["videoChannels"][0]["id"]
    init = client.send(
        "POST", "/api/v1/videos/upload-resumable", root,
        json={"name": name, "channelId": channel, "privacy": 1, "filename": "clip.mp4"},
        headers={"X-Upload-Content-Length": str(len(data)), "X-Upload-Content-Type": "video/mp4"},
    )  # fmt: skip
    assert init.status_code == 201, init.text
    url = "http:" + init.headers["Location"]
    step = 8 * 1024 * 1024
    for start in range(0, len(data), step):
        sent = put_chunk(url, root, data, start, step)
        assert sent.status_code in (200, 308), sent.text
    started = time.perf_counter()
    uuid = sent.json()["video"]["uuid"]
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


def _print_in_process(args: argparse.Namespace, serial: dict[str, float] | None, chunked: dict[str, float]) -> None:
    duration = args.seconds
    if serial is not None:
        print(
            f"serial:  first playable {serial['first']:.1f} s, all {serial['all']:.1f} s "
            f"({duration / serial['all']:.2f}x real time), {serial['bytes'] / 1e6:.1f} MB"
        )
    print(
        f"chunked: ingest (probe and content-aware probe, CRF {chunked['crf']:.0f}) {chunked['ingest']:.1f} s; "
        f"{chunked['chunks']:.0f} chunks of {chunked['chunk_seconds']:.0f} s; "
        f"sum of chunk times {chunked['sum']:.1f} s, longest chunk {chunked['longest']:.1f} s "
        f"({chunked['lowest']:.0f}p: {chunked['longest_lowest']:.1f} s); audio {chunked['audio']:.1f} s; "
        f"packaging: longest {chunked['package']:.1f} s, {chunked['lowest']:.0f}p {chunked['package_lowest']:.1f} s"
    )
    # One Lambda per step: the chunks and the audio run side by side after the ingest.
    watchable = chunked["ingest"] + max(chunked["audio"], chunked["longest_lowest"]) + chunked["package_lowest"]
    complete = chunked["ingest"] + max(chunked["audio"], chunked["longest"]) + chunked["package"]
    print(
        f"         with one Lambda per step: watchable ~{watchable:.1f} s ({watchable / duration:.3f} of the duration,"
        f" goal 0.05), complete ~{complete:.1f} s ({complete / duration:.3f}, goal 0.25);"
        f" one process here {chunked['all']:.1f} s; {chunked['bytes'] / 1e6:.1f} MB"
        + (f" ({(chunked['bytes'] / serial['bytes'] - 1) * 100:+.1f} % against serial)" if serial else ""),
        flush=True,
    )


if __name__ == "__main__":
    main()
