"""P2P share of a video's late viewers, and the HTTP bytes it saves (issue #24).

    python bench/p2p.py [--viewers 2,5,10] [--stagger 6] [--seconds 60] [--reference main]
    python bench/p2p.py --url http://127.0.0.1:PORT [--video UUID] ...   # a stack already running

Starts the local stack (`python -m local`, as the browser tests do) serving the web client
built from this checkout, uploads a 720p clip made with ffmpeg (lavfi, `--seconds` long),
transcoded as any upload (PeerTube's ladder: each rendition its own swarm; the player's
automatic quality, which on loopback settles on 720p after the first segment), then in
headless Chromium (Playwright from web/node_modules, driven by bench/p2p/viewers.mjs) over
loopback:

1. one lone viewer plays the video from start to end: its HTTP bytes per second played are
   the reference of this run (what each viewer costs without P2P);
2. for each N of `--viewers`, N viewers, each in a browser context of its own, join
   `--stagger` seconds apart and play it to the end.

HTTP bytes are counted from the network (DevTools Protocol, every byte received for the
video's files, aborted requests included), P2P bytes from the app. Printed per viewer: the
P2P share (bytes from peers over all bytes received), HTTP bytes per second played, the HTTP
bytes saved per second played against the lone viewer, stalls and rebuffering time; per
case: the HTTP bytes saved in all (N lone viewers' bytes minus the N viewers', what the CDN
bills), at each viewer's end and once everyone has ended.

`--reference REV` first runs the same cases with the web client of that git revision (say
`main`: the loader settings before a change), built from `git archive`, in the same run and
on the same stack and video: the before and after figures.

Needs ffmpeg, node, web/node_modules (make test installs them) and Chromium.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WEB = ROOT / "web"
VIEWERS_SCRIPT = Path(__file__).resolve().parent / "p2p" / "viewers.mjs"


@dataclass(frozen=True)
class Viewer:
    http_bytes: int
    http_bytes_at_close: int
    from_peers: int
    over_http: int | None
    played: float
    startup_ms: float | None
    stalls: int
    stall_ms: float

    @property
    def share(self) -> float:
        """Bytes from peers over all bytes received (HTTP counted from the network)."""
        total = self.from_peers + self.http_bytes
        return self.from_peers / total if total else 0.0

    @property
    def http_rate(self) -> float:
        """HTTP bytes per second played."""
        return self.http_bytes / self.played if self.played else float("nan")


def make_clip(path: Path, seconds: int) -> None:
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i", "sine=frequency=440",
         "-t", str(seconds), "-c:v", "libx264", "-preset", "veryfast", "-b:v", "2M", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-shortest", str(path)],
        check=True,
    )  # fmt: skip


def build_web(source: Path, out: Path) -> None:
    """`vite build` of the web client in `source` into `out`."""
    built = subprocess.run(["npx", "vite", "build", "--outDir", str(out), "--emptyOutDir"], cwd=source,
                           capture_output=True, text=True, check=False)  # fmt: skip
    if built.returncode != 0:
        raise SystemExit(f"vite build in {source} failed:\n{built.stdout[-2000:]}{built.stderr[-2000:]}")


def build_revision(revision: str, workdir: Path) -> Path:
    """The web client of a git revision, built: its directory."""
    tree = workdir / f"web-{revision.replace('/', '_')}"
    tree.mkdir()
    archive = subprocess.run(["git", "archive", revision, "web"], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    (tree / "web" / "node_modules").symlink_to(WEB / "node_modules")
    out = workdir / f"dist-{revision.replace('/', '_')}"
    build_web(tree / "web", out)
    return out


def publish(client: Any, root: str, clip: Path) -> str:
    """Upload (PeerTube's resumable upload) and wait for publication: the video's UUID."""
    from tests.e2e.harness import upload_resumable, wait_published

    uuid = upload_resumable(client, root, clip.read_bytes(), "P2P bench")
    video = wait_published(client, root, uuid, seconds=900)
    heights = sorted({f["resolution"]["id"] for p in video["streamingPlaylists"] for f in p["files"]})
    print(f"video {uuid}: {video['duration']} s, HLS renditions {heights}", flush=True)
    return uuid


def watch(url: str, viewers: int, stagger: float, seconds: int, spa: Path | None) -> list[Viewer]:
    """`viewers` Chromium contexts joining `stagger` s apart, each playing the video to the end."""
    timeout_ms = int(1000 * (stagger * (viewers - 1) + 3 * seconds + 60))
    brief = {"url": url, "viewers": viewers, "staggerMs": int(stagger * 1000), "timeoutMs": timeout_ms}
    if spa is not None:
        brief["spaDist"] = str(spa)
    answer = subprocess.run(
        ["node", str(VIEWERS_SCRIPT), json.dumps(brief)],
        env={**os.environ, "CIRRUS_WEB_DIR": str(WEB)},
        capture_output=True, text=True, timeout=timeout_ms / 1000 + 120, check=False,
    )  # fmt: skip
    if answer.returncode != 0:
        raise SystemExit(f"the viewers failed:\n{answer.stderr[-4000:]}")
    found = []
    for r in json.loads(answer.stdout):
        if not r["ended"]:
            print(f"  (a viewer did not reach the end: played {r['played']:.1f} of {r['duration']} s)", flush=True)
        found.append(
            Viewer(
                http_bytes=r["httpBytes"], http_bytes_at_close=r["httpBytesAtClose"], from_peers=r["fromPeers"],
                over_http=r["overHttp"], played=r["played"], startup_ms=r["startupMs"], stalls=r["stalls"],
                stall_ms=r["stallMs"],
            )
        )  # fmt: skip
    return found


def mb(n: float) -> str:
    return f"{n / 1e6:.2f} MB"


def report(name: str, lone: Viewer, viewers: list[Viewer]) -> dict[str, float]:
    """Print one case; the late viewers' mean saving and the total saving, as fractions."""
    print(f"{name}: {len(viewers)} viewers", flush=True)
    for i, v in enumerate(viewers):
        saved = 1 - v.http_rate / lone.http_rate
        startup = f"{v.startup_ms:.0f} ms" if v.startup_ms is not None else "-"
        app = mb(v.over_http) if v.over_http is not None else "n/a"
        print(
            f"  viewer {i + 1}: P2P share {v.share:6.1%} ({mb(v.from_peers)} from peers, {mb(v.http_bytes)} over HTTP;"
            f" app says {app}), {v.http_rate / 1e3:7.1f} KB/s played over HTTP,"
            f" saved {saved:6.1%} vs lone; startup {startup}, {v.stalls} stalls, {v.stall_ms / 1000:.1f} s rebuffering",
            flush=True,
        )
    alone = lone.http_rate * sum(v.played for v in viewers)
    spent = sum(v.http_bytes for v in viewers)
    spent_close = sum(v.http_bytes_at_close for v in viewers)
    late = viewers[1:]
    late_saved = sum(1 - v.http_rate / lone.http_rate for v in late) / len(late) if late else 0.0
    print(
        f"  HTTP bytes: {mb(spent)} for {len(viewers)} viewers ({mb(spent_close)} once all ended) against"
        f" {mb(alone)} alone: saved {1 - spent / alone:.1%} ({1 - spent_close / alone:.1%}); late viewers saved"
        f" {late_saved:.1%} per second played on average",
        flush=True,
    )
    return {"late": late_saved, "total": 1 - spent_close / alone}


def run(url: str, counts: list[int], stagger: float, seconds: int, spa: Path | None, label: str) -> dict[int, Any]:
    (lone,) = watch(url, 1, stagger, seconds, spa)
    print(
        f"{label}: lone viewer {mb(lone.http_bytes)} over HTTP for {lone.played:.1f} s played:"
        f" {lone.http_rate / 1e3:.1f} KB/s (the reference); {lone.stalls} stalls, {lone.stall_ms / 1000:.1f} s",
        flush=True,
    )
    return {n: report(f"{label}, {n} viewers {stagger:g} s apart", lone, watch(url, n, stagger, seconds, spa))
            for n in counts}  # fmt: skip


class _Remote:
    """A stack started elsewhere (--url), as tests.e2e.harness.Client talks to one."""

    def __init__(self, url: str) -> None:
        self.url = url

    def get(self, path: str, **kwargs: Any) -> Any:
        import requests

        return requests.get(f"{self.url}{path}", timeout=10, **kwargs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", default="2,5,10", help="viewer counts, comma-separated")
    parser.add_argument("--stagger", type=float, default=6.0, help="seconds between two viewers joining")
    parser.add_argument("--seconds", type=int, default=60, help="the clip's length")
    parser.add_argument("--reference", help="a git revision whose web client is run first (the before figures)")
    parser.add_argument("--web-dist", type=Path, help="this checkout's web client already built (else built now)")
    parser.add_argument("--url", help="a running stack to use instead of starting one (its root password: the tests')")
    parser.add_argument("--video", help="with --url: a published video to watch instead of uploading one")
    args = parser.parse_args()
    counts = [int(n) for n in args.viewers.split(",") if n]
    if shutil.which("node") is None or not (WEB / "node_modules" / "@playwright" / "test").is_dir():
        sys.exit("needs node and web/node_modules (make test installs them)")

    from tests.conftest import ROOT_PASSWORD
    from tests.e2e.harness import Client, RunningStack

    with tempfile.TemporaryDirectory(prefix="cirrus-p2p-") as directory:
        workdir = Path(directory)
        clip = workdir / "clip.mp4"
        if args.video is None:
            make_clip(clip, args.seconds)
        reference = build_revision(args.reference, workdir) if args.reference else None
        stack: RunningStack | None = None
        if args.url is None:
            candidate = args.web_dist or workdir / "dist"
            if args.web_dist is None:
                build_web(WEB, candidate)
            stack = RunningStack(workdir / "data", CIRRUS_WEB_DIST=str(candidate))
            stack.start()
        try:
            url = args.url or stack.url  # type: ignore[union-attr]
            uuid = args.video
            if uuid is None:
                client = Client(stack or _Remote(url))  # type: ignore[arg-type]
                root = str(client.login("root", ROOT_PASSWORD)["access_token"])
                started = time.perf_counter()
                uuid = publish(client, root, clip)
                print(f"published in {time.perf_counter() - started:.0f} s", flush=True)
            page = f"{url}/w/{uuid}"
            results = {}
            if reference is not None:
                results["reference"] = run(page, counts, args.stagger, args.seconds, reference, args.reference)
            results["this"] = run(page, counts, args.stagger, args.seconds, None, "this checkout")
            print(json.dumps(results), flush=True)
        finally:
            if stack is not None:
                stack.stop()


if __name__ == "__main__":
    main()
