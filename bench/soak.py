"""Soak: PeerTube client traffic against the local stack for minutes, on loopback only.

    python bench/soak.py [--minutes 10] [--rate 15] [--workers 4] [--url http://127.0.0.1:9000]

Without --url it starts a `make run` stack of its own in a temporary directory. A handful of
users sign up and upload clips (real ffmpeg); then workers send a mix of what the web client
and PeerTube's apps do (browse, watch: details, master playlist and a segment, view pings,
comments, ratings, search, and now and then an upload), at most --rate requests a second and
minutes x 60 x rate requests in all. It prints the requests served, the errors (anything but
a 2xx, 3xx or an expected 4xx; the goal is none), p50 and p99 latency per action, and the
stack's memory (RSS) after warm-up, each minute, and at the end (the goal: flat).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import ROOT_PASSWORD  # noqa: E402
from tests.e2e.harness import RunningStack, make_clip  # noqa: E402

USERS = 4
PASSWORD = "soak password"
WORDS = ["river", "mountain", "city", "night", "forest", "ocean"]


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, action: str, seconds: float, status: int | None, detail: str = "") -> None:
        with self.lock:
            self.latencies[action].append(seconds)
            self.statuses[f"{action} {status}"] += 1
            if status is None or status >= 500:
                self.errors.append(f"{action}: {status} {detail[:200]}")


class Soak:
    def __init__(self, url: str, clip: Path, tally: Tally) -> None:
        self.url = url.rstrip("/")
        self.clip = clip.read_bytes()
        self.tally = tally
        self.tokens: list[str] = []
        self.channels: list[int] = []
        self.videos: list[dict[str, Any]] = []
        self.uploads = 0

    def call(self, action: str, method: str, path: str, token: str | None = None, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        url = path if path.startswith("http") else f"{self.url}{path}"
        started = time.perf_counter()
        try:
            response = requests.request(method, url, headers=headers, timeout=30, **kwargs)
        except requests.RequestException as error:
            self.tally.record(action, time.perf_counter() - started, None, str(error))
            return None
        self.tally.record(action, time.perf_counter() - started, response.status_code, response.text)
        return response

    def token(self, username: str, password: str) -> str:
        client = requests.get(f"{self.url}/api/v1/oauth-clients/local", timeout=10).json()
        fields = {**client, "grant_type": "password", "username": username, "password": password}
        answer = requests.post(f"{self.url}/api/v1/users/token", data=fields, timeout=10)
        if answer.status_code != 200:
            raise SystemExit(f"cannot log in as {username}: {answer.text}")
        return str(answer.json()["access_token"])

    def setup(self, admin_password: str) -> None:
        # The administrator creates the users (sign-up is limited per address, as in PeerTube).
        admin = self.token("root", admin_password)
        for n in range(USERS):
            name = f"soak{n}_{int(time.time())}"
            body = {"username": name, "password": PASSWORD, "email": f"{name}@example.org", "role": 2}
            created = requests.post(
                f"{self.url}/api/v1/users",
                json={**body, "videoQuota": -1, "videoQuotaDaily": -1},
                headers={"Authorization": f"Bearer {admin}"},
                timeout=10,
            )
            if created.status_code != 200:
                raise SystemExit(f"cannot create {name}: {created.text}")
            token = self.token(name, PASSWORD)
            self.tokens.append(token)
            me = requests.get(f"{self.url}/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
            self.channels.append(me.json()["videoChannels"][0]["id"])
            self.upload(n)
        deadline = time.monotonic() + 600
        while len(requests.get(f"{self.url}/api/v1/videos?count=100", timeout=10).json()["data"]) < USERS:
            if time.monotonic() > deadline:
                raise SystemExit(f"the set-up's videos were not published in 10 minutes: {self.tally.statuses}")
            time.sleep(1)
        self.refresh_videos()

    def refresh_videos(self) -> None:
        listed = requests.get(f"{self.url}/api/v1/videos?count=100&sort=-publishedAt", timeout=10).json()["data"]
        self.videos = listed or self.videos

    def upload(self, user: int) -> None:
        self.uploads += 1
        fields = {
            "name": f"Soak {random.choice(WORDS)} {self.uploads}",
            "channelId": str(self.channels[user]),
            "privacy": "1",
        }
        files = {"videofile": ("soak.mp4", self.clip, "video/mp4")}
        self.call("upload", "POST", "/api/v1/videos/upload", self.tokens[user], data=fields, files=files)

    # The mix: weights follow what a watch page and a browse page send.
    def browse(self, user: int) -> None:
        self.call("browse", "GET", "/api/v1/videos?sort=-publishedAt&count=25")

    def watch(self, user: int) -> None:
        video = random.choice(self.videos)
        details = self.call("watch", "GET", f"/api/v1/videos/{video['uuid']}")
        if details is None or details.status_code != 200:
            return
        playlists = details.json().get("streamingPlaylists") or []
        if playlists:
            self.call("playlist", "GET", playlists[0]["playlistUrl"])
            files = playlists[0]["files"]
            if files:
                self.call("segment", "GET", files[-1]["fileUrl"], headers={"Range": "bytes=0-65535"})
        self.call("comments", "GET", f"/api/v1/videos/{video['id']}/comment-threads")

    def view(self, user: int) -> None:
        video = random.choice(self.videos)
        ping = {"currentTime": random.randint(0, 3), "sessionId": f"soak-{random.randint(1, 50)}"}
        self.call("view", "POST", f"/api/v1/videos/{video['id']}/views", json=ping)

    def comment(self, user: int) -> None:
        video = random.choice(self.videos)
        text = f"A {random.choice(WORDS)} comment"
        self.call(
            "comment", "POST", f"/api/v1/videos/{video['id']}/comment-threads", self.tokens[user], json={"text": text}
        )

    def rate(self, user: int) -> None:
        video = random.choice(self.videos)
        rating = random.choice(["like", "dislike", "none"])
        self.call("rate", "PUT", f"/api/v1/videos/{video['id']}/rate", self.tokens[user], json={"rating": rating})

    def search(self, user: int) -> None:
        self.call("search", "GET", f"/api/v1/search/videos?search={random.choice(WORDS)}")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def run(soak: Soak, minutes: float, rate: float, workers: int, pid: int | None) -> None:
    actions: list[tuple[Callable[[int], None], int]] = [
        (soak.browse, 20), (soak.watch, 30), (soak.view, 25), (soak.comment, 6),
        (soak.rate, 8), (soak.search, 10), (soak.upload, 1),
    ]  # fmt: skip
    choices, weights = zip(*actions, strict=True)
    budget = int(minutes * 60 * rate)
    interval = 1.0 / rate
    lock = threading.Lock()
    state = {"sent": 0, "next": time.monotonic()}
    end = time.monotonic() + minutes * 60

    def worker() -> None:
        while True:
            with lock:
                if state["sent"] >= budget or time.monotonic() >= end:
                    return
                state["sent"] += 1
                slot = state["next"]
                state["next"] = max(slot, time.monotonic()) + interval
            time.sleep(max(0.0, slot - time.monotonic()))
            action = random.choices(choices, weights)[0]
            action(random.randrange(USERS))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    memory = [rss_mb(pid)] if pid else []
    started = time.monotonic()
    for thread in threads:
        thread.start()
    while any(t.is_alive() for t in threads):
        time.sleep(min(60.0, max(1.0, end - time.monotonic())))
        if pid:
            memory.append(rss_mb(pid))
        soak.refresh_videos()
    elapsed = time.monotonic() - started
    report(soak.tally, elapsed, memory)


def report(tally: Tally, elapsed: float, memory: list[float]) -> None:
    every = [s for values in tally.latencies.values() for s in values]
    print(f"requests served: {len(every)} in {elapsed:.0f} s ({len(every) / elapsed:.1f}/s)")
    print(f"errors (5xx or no answer): {len(tally.errors)}")
    for error in tally.errors[:10]:
        print(f"  {error}")
    print(f"latency: p50 {percentile(every, 0.5) * 1000:.0f} ms, p99 {percentile(every, 0.99) * 1000:.0f} ms")
    print(f"{'action':<10} {'count':>6} {'p50 ms':>7} {'p99 ms':>7}  statuses")
    for action, values in sorted(tally.latencies.items()):
        statuses = ", ".join(f"{k.split()[1]}x{v}" for k, v in sorted(tally.statuses.items()) if k.split()[0] == action)
        p50, p99 = percentile(values, 0.5) * 1000, percentile(values, 0.99) * 1000
        print(f"{action:<10} {len(values):>6} {p50:>7.0f} {p99:>7.0f}  {statuses}")
    if memory:
        samples = " ".join(f"{m:.0f}" for m in memory)
        print(f"stack RSS MB: after warm-up {memory[0]:.0f}, at the end {memory[-1]:.0f} (each minute: {samples})")
        if len(memory) > 2:
            print(f"  median of the minutes {statistics.median(memory):.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=15, help="requests a second, at most")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--url", help="a running instance (loopback only); default: start one")
    parser.add_argument("--admin-password", default=ROOT_PASSWORD, help="root's password on --url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cirrus-soak-") as directory:
        clip = make_clip(Path(directory) / "clip.mp4", seconds=4)
        stack = None
        if args.url:
            if not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
                raise SystemExit("--url must be a loopback address")
            url = args.url
        else:
            stack = RunningStack(Path(directory) / "data")
            stack.start()
            url = stack.url
        try:
            soak = Soak(url, clip, Tally())
            soak.setup(args.admin_password)
            soak.tally = Tally()  # set-up is not part of the figures
            pid = stack.process.pid if stack and stack.process else None
            run(soak, args.minutes, args.rate, args.workers, pid)
        finally:
            if stack is not None and stack.process is not None:
                stack.stop()


if __name__ == "__main__":
    main()
