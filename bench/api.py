"""Latency and DynamoDB calls of the catalogue's hot paths, through the local gateway.

    python bench/api.py [--videos 10000] [--requests 300]

Starts the embedded stack in this process (moto behind its HTTP endpoint, the API function
behind the ASGI gateway on a loopback port), seeds `--videos` published videos over 50
channels, then times GET /api/v1/videos (plain and filtered), GET /api/v1/videos/{uuid} and
GET /api/v1/search/videos over HTTP. DynamoDB calls are counted, and the time waiting for
them measured, with botocore's event hooks on the client the API function uses: moto
answers a Query by reading the whole index, so "own" (latency without those waits) is the
figure that carries over to DynamoDB. Also prints the first request of a function instance,
which loads the whole catalogue.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
import uvicorn  # noqa: E402

WORDS = [
    *("bread", "pasta", "guitar", "piano", "ocean", "mountain", "river", "city", "night", "morning"),
    *("coffee", "garden", "robot", "space", "history", "science", "football", "chess", "cooking"),
    *("travel", "winter", "summer", "jazz", "opera", "forest", "desert", "music"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_stack(data_dir: Path) -> tuple[Any, str]:
    import os

    from local.stack import LocalStack, StackOptions

    port, aws_port = free_port(), free_port()
    os.environ["CIRRUS_PORT"] = str(port)
    os.environ["PT_INITIAL_ROOT_PASSWORD"] = "bench-root-password"
    os.environ["CIRRUS_MAX_CHANNELS_PER_USER"] = "100"
    stack = LocalStack(StackOptions(data_dir=data_dir, port=port, aws_port=aws_port))
    stack.start()
    server = uvicorn.Server(uvicorn.Config(stack.gateway_app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if requests.get(f"{url}/api/v1/config", timeout=1).ok:
                return stack, url
        except requests.ConnectionError:
            time.sleep(0.1)
    raise SystemExit("the gateway did not start")


def seed(url: str, videos: int) -> list[str]:
    """50 channels through the API, then the videos written straight to the table."""
    from chalicelib.config import get_settings
    from chalicelib.store import counters
    from chalicelib.store.models import TableItem, Video
    from chalicelib.store.models.catalogued import CATALOG_PARTITION, change_stamp

    client = requests.get(f"{url}/api/v1/oauth-clients/local", timeout=5).json()
    token = requests.post(
        f"{url}/api/v1/users/token",
        data={**client, "grant_type": "password", "username": "root", "password": "bench-root-password"},
        timeout=10,
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    account_id = requests.get(f"{url}/api/v1/users/me", headers=headers, timeout=5).json()["account"]["id"]
    channels = []
    for n in range(50):
        created = requests.post(
            f"{url}/api/v1/video-channels",
            json={"name": f"bench_channel_{n}", "displayName": f"Bench channel {n}"},
            headers=headers,
            timeout=5,
        )
        channels.append(created.json()["videoChannel"]["id"])
    rng = random.Random(7)
    base = datetime(2025, 1, 1, tzinfo=UTC)
    first = counters.next_id("video")
    uuids = []
    instance = get_settings().instance_url
    with TableItem.batch_write() as batch:
        for n in range(videos):
            video_id = first + n
            video_uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            when = base + timedelta(minutes=n)
            name = " ".join(rng.sample(WORDS, 3)).capitalize()
            privacy = rng.choice([1, 1, 1, 1, 2, 3])
            batch.save(
                Video(
                    f"VIDEO#{video_id}",
                    "ENTITY",
                    id=video_id,
                    uuid=video_uuid,
                    name=name,
                    description=" ".join(rng.choices(WORDS, k=30)),
                    tags=set(rng.sample(WORDS, 3)),
                    category=rng.randint(1, 18),
                    language=rng.choice(["en", "fr", "de", None]),
                    channel_id=rng.choice(channels),
                    account_id=account_id,
                    url=f"{instance}/videos/watch/{video_uuid}",
                    privacy=privacy,
                    state=1,
                    stage="done",
                    duration=rng.randint(10, 3600),
                    views=rng.randint(0, 100000),
                    likes=rng.randint(0, 1000),
                    created_at=when,
                    updated_at=when,
                    published_at=when,
                    catalog_pk=CATALOG_PARTITION,
                    catalog_sk=change_stamp(),
                )
            )
            if privacy != 3:  # what anyone may open by its UUID
                uuids.append(video_uuid)
    return uuids


class CallCounter:
    """DynamoDB calls of the API function, and the time spent waiting for them (which, on
    moto, is mostly moto's own cost)."""

    def __init__(self) -> None:
        from chalicelib.store.models import TableItem

        self.calls: Counter[str] = Counter()
        self.waited = 0.0
        self._started = 0.0
        events = TableItem._get_connection().connection.client.meta.events
        events.register("before-call.dynamodb", self._before)
        events.register("after-call.dynamodb", self._after)

    def reset(self) -> None:
        self.calls.clear()
        self.waited = 0.0

    def _before(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1
        self._started = time.perf_counter()

    def _after(self, **_: Any) -> None:
        self.waited += time.perf_counter() - self._started


def measure(
    session: requests.Session, counter: CallCounter, urls: list[str]
) -> tuple[list[float], list[float], Counter[str]]:
    """Latencies, latencies without the DynamoDB waits, and the calls made."""
    latencies, own = [], []
    calls: Counter[str] = Counter()
    for url in urls:
        counter.reset()
        started = time.perf_counter()
        response = session.get(url, timeout=600)  # a cold catalogue load through moto takes long
        latencies.append((time.perf_counter() - started) * 1000)
        own.append(latencies[-1] - counter.waited * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code} {response.text[:200]}")
        calls.update(counter.calls)
    return latencies, own, calls


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--videos", type=int, default=10000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    import logging

    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as data_dir:
        stack, url = start_stack(Path(data_dir))
        try:
            started = time.perf_counter()
            uuids = seed(url, args.videos)
            print(f"seeded {args.videos} videos in {time.perf_counter() - started:.1f} s")
            run(url, uuids, args.requests)
        finally:
            stack.stop()


def run(url: str, uuids: list[str], count: int) -> None:
    from chalicelib.store import catalog

    counter = CallCounter()
    session = requests.Session()
    rng = random.Random(11)
    catalog.reset()
    cold, _, cold_calls = measure(session, counter, [f"{url}/api/v1/videos"])
    print(f"first request of an instance (loads the catalogue): {cold[0]:.0f} ms, {dict(cold_calls)}")
    scenarios = {
        "list -publishedAt": [f"{url}/api/v1/videos?start={rng.randint(0, 50) * 15}" for _ in range(count)],
        "list -views, category": [
            f"{url}/api/v1/videos?sort=-views&categoryOneOf={rng.randint(1, 18)}&count=25" for _ in range(count)
        ],
        "get by uuid": [f"{url}/api/v1/videos/{rng.choice(uuids)}" for _ in range(count)],
        "search": [f"{url}/api/v1/search/videos?search={rng.choice(WORDS)}" for _ in range(count)],
    }
    print(f"{'request':<24}{'p50 ms':>8}{'p99 ms':>8}{'p50 own':>9}{'p99 own':>9}  DynamoDB calls per request")
    for name, urls in scenarios.items():
        measure(session, counter, urls[:5])  # warm this path's caches
        latencies, own, calls = measure(session, counter, urls)
        total, mine = statistics.quantiles(latencies, n=100), statistics.quantiles(own, n=100)
        per_request = {op: round(n / len(urls), 2) for op, n in sorted(calls.items())}
        print(f"{name:<24}{total[49]:>8.1f}{total[98]:>8.1f}{mine[49]:>9.1f}{mine[98]:>9.1f}  {per_request}")
    print("own: the latency without the time spent waiting for DynamoDB (here, moto)")


if __name__ == "__main__":
    main()
