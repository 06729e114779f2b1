"""Glass-to-glass latency of a live, per latency mode, as a viewer of the web client sees it.

    python bench/live.py [--watch 20] [--mode small --mode default ...] [--cpu]

An encoder pushes a prepared 1080p30 H.264 stream over RTMP in real time (ffmpeg `-re`,
`-c copy`: what OBS sends, without its encoding cost on this machine) to Cirrus's ingest
(functions/live, passthrough, segments to a local directory served over HTTP). Every frame
carries its number as a band of 16 black or white blocks, burnt in when the stream was
prepared. A Chromium (Playwright, from web/node_modules) plays the live with hls.js, as far
behind the live edge as the web client's player does for that mode (web/src/live/options.ts),
and reads back the number of each frame it presents. A frame's glass-to-glass latency is the
moment it was shown minus the moment the encoder sent it (first packet + number / 30).

The reference, in the same run and the same browser, is PeerTube's way: ffmpeg's own HLS
muxer (`-f hls`, the same segment length, no RTMP, no Cirrus) writing straight into the
served directory, as PeerTube's ingest makes its HLS, watched with PeerTube's player settings
(the same distance, no catch-up). The ratio is Cirrus over the reference. The listing lag
(a segment listed minus its last frame sent) isolates the ingest from the player.

Also printed: the time from the first packet to the first playable master playlist. `--cpu`
adds the ingest's CPU per rendition (functions/live/measure.py's cases).

Needs ffmpeg, node, web/node_modules (make test installs them) and Chromium.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import http.server
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from functions.live.playlist import playlist_name  # noqa: E402
from functions.live.ports import (  # noqa: E402
    LATENCY_DEFAULT,
    LATENCY_HIGH,
    LATENCY_SMALL,
    DirectorySink,
    LiveTarget,
    Refusal,
    SessionRecord,
)
from functions.live.server import RtmpServer  # noqa: E402
from functions.live.service import LiveService  # noqa: E402
from functions.live.settings import LiveSettings  # noqa: E402

KEY = "bench"
VIEWERS = 4
VIDEO = "00000000-0000-4000-8000-0000benchlive"
FPS = 30
WEB = ROOT / "web"
HERE = Path(__file__).resolve().parent / "live"


@dataclass(frozen=True)
class Mode:
    name: str
    latency_mode: int
    segment_seconds: int  # the ingest's (docs/live.md)
    behind: int  # segments the player stays behind the edge (web/src/live/options.ts)


# The web client's catch-up rate (web/src/live/options.ts CATCH_UP_RATE); PeerTube's player
# has none (1: a viewer stays wherever it started).
CIRRUS_RATE = 1.1
PEERTUBE_RATE = 1.0


MODES = {
    "small": Mode("small latency", LATENCY_SMALL, 2, 2),
    "default": Mode("default", LATENCY_DEFAULT, 4, 5),
    "high": Mode("high latency", LATENCY_HIGH, 4, 10),
}


@dataclass(frozen=True)
class Latency:
    p10: float
    p50: float
    p90: float
    samples: int
    first_playable: float | None  # first packet → master playlist listed
    listing_lag: float  # p50 of a segment listed minus its last frame sent


def prepare_input(path: Path, seconds: int) -> None:
    """1080p30 at 6 Mbit/s with AAC, each frame's number in the band of its top 64 rows."""
    band = (
        f"color=black:size=16x2:rate={FPS},format=gray,"
        "geq=lum='255*mod(floor(N/pow(2\\,X))\\,2)',scale=1920:64:flags=neighbor,format=yuv420p"
    )
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate={FPS}",
         "-f", "lavfi", "-i", band, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
         "-filter_complex", "[0:v][1:v]overlay=0:0:shortest=1[v]", "-map", "[v]", "-map", "2:a",
         "-t", str(seconds), "-c:v", "libx264", "-preset", "veryfast", "-b:v", "6M", "-maxrate", "6M",
         "-bufsize", "12M", "-g", str(FPS), "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "160k",
         "-f", "flv", str(path)],
        check=True, timeout=900,
    )  # fmt: skip


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        # Playlists change with every segment: nothing may be cached (the ingest sets max-age=1).
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return None


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[int]:
    shutil.copy(WEB / "node_modules" / "hls.js" / "dist" / "hls.min.js", directory / "hls.min.js")
    shutil.copy(HERE / "player.html", directory / "player.html")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()


def watch(url: str, seconds: float, mode: Mode) -> list[list[tuple[float, int]]]:
    """The frames each viewer's Chromium page presented: (wall clock in seconds, frame number).

    Once playing, a viewer stays where it started; where that is depends on how old the
    newest segment was when it joined. VIEWERS viewers joining across one segment's length
    cover those phases evenly."""
    stagger_ms = int(1000 * mode.segment_seconds / VIEWERS)
    answer = subprocess.run(
        ["node", str(HERE / "player.mjs"), url, str(seconds), str(VIEWERS), str(stagger_ms)],
        env={**os.environ, "CIRRUS_WEB_DIR": str(WEB)},
        capture_output=True, text=True, timeout=seconds + 90, check=True,
    )  # fmt: skip
    viewers = []
    for result in json.loads(answer.stdout):
        if result["errors"]:
            print(f"  player errors: {result['errors']}", file=sys.stderr)
        viewers.append([(shown / 1000, frame) for shown, frame in result["samples"]])
    return viewers


def latencies(viewers: list[list[tuple[float, int]]], sent_at: float, settle: float) -> list[float]:
    """Shown minus sent, per frame and viewer, once each has played `settle` seconds."""
    found = []
    for samples in viewers:
        if samples:
            start = samples[0][0] + settle
            found += [shown - (sent_at + frame / FPS) for shown, frame in samples if shown >= start]
    return found


def summary(values: list[float], first_playable: float | None, lags: list[float]) -> Latency:
    lag = statistics.median(lags) if lags else float("nan")
    if not values:
        return Latency(float("nan"), float("nan"), float("nan"), 0, first_playable, lag)
    ordered = sorted(values)
    return Latency(
        ordered[int(0.1 * (len(ordered) - 1))],
        statistics.median(ordered),
        ordered[int(0.9 * (len(ordered) - 1))],
        len(ordered),
        first_playable,
        lag,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _push(source: Path, url: str, seconds: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        ["ffmpeg", "-v", "error", "-nostdin", "-re", "-i", str(source), "-t", str(seconds),
         "-c", "copy", "-f", "flv", url]
    )  # fmt: skip


def _listed(playlist: Path) -> int:
    try:
        return playlist.read_text().count("#EXTINF")
    except FileNotFoundError:
        return 0


def _wait_for_segments(playlist: Path, count: int, timeout: float) -> None:
    """A viewer who joins a running live: the player opens once there is history enough for
    it to start where it stays (its distance behind the edge), not at the first segment."""
    deadline = time.monotonic() + timeout
    while _listed(playlist) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{playlist} never listed {count} segments")
        time.sleep(0.05)


class ListingClock:
    """When each segment first appeared in a media playlist, polled every 20 ms in a thread:
    (sequence number → (duration, wall clock)). A segment's listing lag is that moment minus
    when the encoder sent its last frame; it is what the ingest adds, whatever the player."""

    def __init__(self, playlist: Path) -> None:
        self.playlist = playlist
        self.seen: dict[int, tuple[float, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            try:
                text = self.playlist.read_text()
            except FileNotFoundError:
                continue
            now = time.time()
            sequence = 0
            for line in text.splitlines():
                if line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
                    sequence = int(line.split(":", 1)[1])
                elif line.startswith("#EXTINF:"):
                    self.seen.setdefault(sequence, (float(line[8:].split(",")[0]), now))
                    sequence += 1

    def lags(self, sent_at: float) -> list[float]:
        self._stop.set()
        self._thread.join()
        ends, total = [], 0.0
        for sequence in sorted(self.seen):
            duration, listed = self.seen[sequence]
            total += duration
            ends.append(listed - (sent_at + total))
        return ends[1:-1]  # the first waits for the probe, the last for the end of input


def push_seconds(mode: Mode, watched: int) -> int:
    """Long enough for the history the player needs, then `watched` seconds of watching."""
    return (mode.behind + 2) * mode.segment_seconds + watched + 6


async def through_cirrus(mode: Mode, source: Path, seconds: int, root: Path, http_port: int) -> Latency:
    sink_dir = root / "cirrus"
    ended: list[SessionRecord] = []

    async def authorise(stream_key: str) -> LiveTarget | Refusal:
        if stream_key != KEY:
            return Refusal("bad key")
        return LiveTarget(VIDEO, f"cirrus/{VIDEO}", latency_mode=mode.latency_mode)

    async def on_state(video_id: str, state: int) -> None:
        return None

    async def on_session_end(session: SessionRecord) -> None:
        ended.append(session)

    settings = LiveSettings(transcoding=False, reconnect_window=0, work_dir=root / "work")
    service = LiveService(
        settings, authorise=authorise, on_state=on_state, sink=DirectorySink(root), on_session_end=on_session_end
    )
    server = RtmpServer(service)
    port = _free_port()
    await server.start("127.0.0.1", port)
    pusher = _push(source, f"rtmp://127.0.0.1:{port}/live/{KEY}", seconds)
    playlist = sink_dir / VIDEO / playlist_name(0)
    clock = ListingClock(playlist)
    try:
        await asyncio.to_thread(_wait_for_segments, playlist, mode.behind + 1, seconds)
        live = service._lives[VIDEO]  # the bench reads the ingest's own clock of the first packet
        assert live.first_packet_at is not None
        sent_at = time.time() - (time.monotonic() - live.first_packet_at)
        playing = seconds - (time.time() - sent_at) - 2
        url = f"http://127.0.0.1:{http_port}/player.html?behind={mode.behind}&rate={CIRRUS_RATE}&src=/cirrus/{VIDEO}/master.m3u8"
        samples = await asyncio.to_thread(watch, url, playing, mode)
    finally:
        await asyncio.to_thread(pusher.wait)
        while not ended:
            await asyncio.sleep(0.1)
        await server.stop()
    playable = service.metrics.first_playable_seconds
    return summary(
        latencies(samples, sent_at, settle=2 * mode.segment_seconds),
        playable[0] if playable else None,
        clock.lags(sent_at),
    )


def through_ffmpeg(mode: Mode, source: Path, seconds: int, root: Path, http_port: int) -> Latency:
    """ffmpeg's HLS muxer straight into the served directory (the reference)."""
    out = root / "ffmpeg"
    out.mkdir()
    clock = ListingClock(out / "index.m3u8")
    started = time.time()
    encoder = subprocess.Popen(
        ["ffmpeg", "-v", "error", "-nostdin", "-re", "-i", str(source), "-t", str(seconds), "-c", "copy",
         "-f", "hls", "-hls_time", str(mode.segment_seconds), "-hls_list_size", "15",
         "-hls_flags", "independent_segments+temp_file", str(out / "index.m3u8")],
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not (out / "index.m3u8").exists():
            if time.monotonic() > deadline:
                raise TimeoutError("ffmpeg wrote no playlist")
            time.sleep(0.05)
        first_playable = time.time() - started
        _wait_for_segments(out / "index.m3u8", mode.behind + 1, seconds)
        playing = seconds - (time.time() - started) - 2
        url = (
            f"http://127.0.0.1:{http_port}/player.html?behind={mode.behind}&rate={PEERTUBE_RATE}&src=/ffmpeg/index.m3u8"
        )
        samples = watch(url, playing, mode)
    finally:
        encoder.wait()
    # ffmpeg reads from its start: its own start is the reference's first packet (± process start).
    return summary(latencies(samples, started, settle=2 * mode.segment_seconds), first_playable, clock.lags(started))


def report(rows: list[tuple[Mode, Latency, Latency]]) -> str:
    lines = [
        "| mode (segment, player behind) | Cirrus p10 | p50 | p90 | reference p50 | ratio "
        "| segment listed after its last frame: Cirrus, ffmpeg | first packet → playable |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for mode, cirrus, reference in rows:
        ratio = cirrus.p50 / reference.p50 if reference.p50 else float("nan")
        playable = f"{cirrus.first_playable:.2f} s" if cirrus.first_playable is not None else "never"
        lines.append(
            f"| {mode.name} ({mode.segment_seconds} s, {mode.behind}) | {cirrus.p10:.2f} s | {cirrus.p50:.2f} s "
            f"| {cirrus.p90:.2f} s "
            f"| {reference.p50:.2f} s | {ratio:.2f} "
            f"| {cirrus.listing_lag:.2f} s, {reference.listing_lag:.2f} s | {playable} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Glass-to-glass latency of a live, per latency mode")
    parser.add_argument("--watch", type=int, default=20, help="seconds of watching in each run")
    parser.add_argument("--mode", action="append", choices=sorted(MODES), help="default: all three")
    parser.add_argument("--cpu", action="store_true", help="also the ingest's CPU per rendition (measure.py)")
    options = parser.parse_args()
    if shutil.which("node") is None or not (WEB / "node_modules" / "@playwright" / "test").is_dir():
        sys.exit("needs node and web/node_modules (make test installs them)")
    modes = [MODES[name] for name in options.mode or ["small", "default", "high"]]
    rows = []
    with tempfile.TemporaryDirectory(prefix="cirrus-bench-live-") as temporary:
        root = Path(temporary)
        source = root / "input.flv"
        longest = max(push_seconds(mode, options.watch) for mode in modes)
        prepare_input(source, longest)
        for index, mode in enumerate(modes):
            seconds = push_seconds(mode, options.watch)
            served = root / str(index)
            served.mkdir()
            with serve(served) as http_port:
                cirrus = asyncio.run(through_cirrus(mode, source, seconds, served, http_port))
                reference = through_ffmpeg(mode, source, seconds, served, http_port)
            rows.append((mode, cirrus, reference))
            print(report(rows[-1:]).splitlines()[-1], flush=True)
    print(f"\nGlass to glass: a frame shown by hls.js in Chromium minus when the encoder sent it ({FPS} fps).")
    print(report(rows))
    if options.cpu:
        from functions.live import measure

        sys.argv = [sys.argv[0]]
        measure.main()


if __name__ == "__main__":
    main()
