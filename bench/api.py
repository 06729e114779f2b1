"""The catalogue at size: memory, cold load, and list and search latency, at two sizes.

    python bench/api.py [--videos 100000] [--reference 10000] [--requests 200]

Runs the API function in this process as API Gateway invokes it (proxy events, the same
handler Lambda runs), over moto's in-process AWS. 50 channels are made through the API,
then videos are added to the catalogue index until it holds `--reference` videos, which are
measured, then `--videos`, measured again: every figure is printed at both sizes with their
ratio, so growth shows whatever the machine's load.

DynamoDB's side, and why "own" is the figure that carries over: moto answers a Query of the
catalogue index by converting, filtering and sorting every item of the table in Python
(7.7 s a page and 5 s a change Query at 20,000 videos, O(N) per Query: hours for one full
read at 100,000). So Queries of the `catalog` index are answered here by `IndexPages`: the
videos' items exactly as the models serialise them for a write (`Video.serialize()`), cut to
the index's projection, kept in index order, and served in 1 MB pages as DynamoDB does;
the accounts and channels made through the API are read from moto's index once, at the
start. Every other call (tokens, a video and its files) goes to moto. The time until each
answer is ready (ours or moto's) is "DynamoDB's share"; the rest (botocore parsing the
answer, building the catalogue, filtering, sorting, rendering) is Cirrus's "own" time.

Printed per size:
- memory per video: what the catalogue holds after a full load (tracemalloc), and what
  search's text features add;
- cold load: the first full read of the index (what an instance's first request does), its
  pages, DynamoDB's share and Cirrus's own share;
- p50/p99 of common PeerTube lists and of search, total and own, steady (the catalogue did
  not change between requests) and after a change (one video's views changed before each
  request, as view batches do on a busy instance: every cache derived from the catalogue is
  rebuilt).
"""

from __future__ import annotations

import argparse
import bisect
import gc
import json
import os
import random
import re
import statistics
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = [
    *("bread", "pasta", "guitar", "piano", "ocean", "mountain", "river", "city", "night", "morning"),
    *("coffee", "garden", "robot", "space", "history", "science", "football", "chess", "cooking"),
    *("travel", "winter", "summer", "jazz", "opera", "forest", "desert", "music"),
]
PAGE_BYTES = 1024 * 1024  # DynamoDB's Query page
CHANNELS = 50
OPENABLE = 300  # videos also written to the table, for GET /videos/{uuid}
PASSWORD = "bench-root-password"


def environment() -> None:
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
            "CIRRUS_ENV": "local",
            "PT_INITIAL_ROOT_PASSWORD": PASSWORD,
            "CIRRUS_MAX_CHANNELS_PER_USER": str(CHANNELS + 10),
        }
    )
    os.environ.pop("CIRRUS_AWS_ENDPOINT_URL", None)
    os.environ.pop("AWS_PROFILE", None)


class IndexPages:
    """The `catalog` index, answered as DynamoDB does (see the module's docstring), and the
    time spent answering every DynamoDB call of the process."""

    def __init__(self) -> None:
        self.keys: list[tuple[str, str, str]] = []  # (catalog_sk, pk, sk), in index order
        self.bodies: dict[tuple[str, str, str], str] = {}  # each item's JSON
        self.items: dict[str, dict[str, Any]] = {}  # by pk
        self.waited = 0.0
        self.calls = 0

    def install(self, client: Any) -> None:
        from moto.core.models import botocore_stubber

        def answer(request: Any, event_name: str, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                target = request.headers.get("X-Amz-Target", b"")
                target = target.decode() if isinstance(target, bytes) else target
                body = json.loads(request.body or b"{}")
                if target.endswith(".Query") and body.get("IndexName") == "catalog":
                    return self._query(request, body)
                return botocore_stubber(event_name=event_name, request=request, **kwargs)
            finally:
                self.waited += time.perf_counter() - started
                self.calls += 1

        client.meta.events.register_first("before-send.dynamodb", answer)

    def add(self, item: dict[str, Any]) -> None:
        from chalicelib.store.models.base import CATALOG_ATTRIBUTES

        kept = {name: value for name, value in item.items() if name in _PROJECTED or name in CATALOG_ATTRIBUTES}
        pk = kept["pk"]["S"]
        previous = self.items.get(pk)
        if previous is not None:
            old = (previous["catalog_sk"]["S"], pk, previous["sk"]["S"])
            del self.keys[bisect.bisect_left(self.keys, old)]
            del self.bodies[old]
        key = (kept["catalog_sk"]["S"], pk, kept["sk"]["S"])
        bisect.insort(self.keys, key)
        self.bodies[key] = json.dumps(kept)
        self.items[pk] = kept

    def touch(self, pk: str) -> None:
        """One item changed (its views, as a view batch writes them), stamped now."""
        from chalicelib.store.models.catalogued import change_stamp

        item = dict(self.items[pk])
        item["views"] = {"N": str(int(item.get("views", {"N": "0"})["N"]) + 1)}
        item["catalog_sk"] = {"S": change_stamp()}
        self.add(item)

    def _query(self, request: Any, body: dict[str, Any]) -> Any:
        from botocore.awsrequest import AWSResponse  # type: ignore[import-untyped]
        from moto.core.botocore_stubber import MockRawResponse

        names, values = body["ExpressionAttributeNames"], body["ExpressionAttributeValues"]
        condition = re.fullmatch(r"\(?(#\d+) = (:\d+)(?: AND (#\d+) > (:\d+))?\)?", body["KeyConditionExpression"])
        if condition is None or names[condition[1]] != "catalog_pk" or body.get("ScanIndexForward") is False:
            raise SystemExit(f"IndexPages cannot answer {body['KeyConditionExpression']}")
        start = 0
        if condition[3] is not None:
            start = bisect.bisect_right(self.keys, (values[condition[4]]["S"], "\uffff"))
        after = body.get("ExclusiveStartKey")
        if after is not None:
            start = bisect.bisect_right(self.keys, (after["catalog_sk"]["S"], after["pk"]["S"], after["sk"]["S"]))
        chosen, size, end = [], 0, start
        while end < len(self.keys) and size + len(self.bodies[self.keys[end]]) <= PAGE_BYTES:
            chosen.append(self.bodies[self.keys[end]])
            size += len(chosen[-1])
            end += 1
        page = f'{{"Items": [{", ".join(chosen)}], "Count": {len(chosen)}, "ScannedCount": {len(chosen)}'
        if end < len(self.keys):
            catalog_sk, pk, sk = self.keys[end - 1]
            last = {"catalog_pk": {"S": "CATALOG"}, "catalog_sk": {"S": catalog_sk}, "pk": {"S": pk}, "sk": {"S": sk}}
            page += f', "LastEvaluatedKey": {json.dumps(last)}'
        headers = {"Content-Type": "application/x-amz-json-1.0"}
        return AWSResponse(request.url, 200, headers, MockRawResponse((page + "}").encode()))


_PROJECTED = {"pk", "sk", "catalog_pk", "catalog_sk"}


def start_instance() -> tuple[Any, IndexPages, int, list[int]]:
    """An instance on moto: its table, the root user, 50 channels; the index's pages."""
    from chalicelib import aws as aws_clients
    from chalicelib.config import get_settings
    from chalicelib.domain.bootstrap import ensure_instance
    from chalicelib.domain.oauth import utcnow
    from chalicelib.store.models import TableItem
    from local import resources
    from tests.api_client import ApiClient

    settings = get_settings()
    resources.provision(settings, aws_clients.s3(), aws_clients.sqs())
    ensure_instance(settings, utcnow())
    api = ApiClient()
    local_client = api.get("/api/v1/oauth-clients/local").json()
    api.client_id, api.client_secret = local_client["client_id"], local_client["client_secret"]
    token = api.login("root", PASSWORD)["access_token"]
    account_id = api.get_as("/api/v1/users/me", token).json()["account"]["id"]
    channels = []
    for n in range(CHANNELS):
        made = api.post_json(
            "/api/v1/video-channels", {"name": f"bench_channel_{n}", "displayName": f"Bench channel {n}"}, token
        )
        channels.append(int(made.json()["videoChannel"]["id"]))
    client = TableItem._get_connection().connection.client
    pages = IndexPages()
    for item in (
        client.get_paginator("query")
        .paginate(
            TableName=TableItem.Meta.table_name,
            IndexName="catalog",
            KeyConditionExpression="catalog_pk = :p",
            ExpressionAttributeValues={":p": {"S": "CATALOG"}},
        )
        .search("Items")
    ):
        pages.add(item)
    pages.install(client)
    return api, pages, int(account_id), channels


class Videos:
    """Generated published videos (names, descriptions and tags from `WORDS`)."""

    def __init__(self, account_id: int, channels: list[int]) -> None:
        from chalicelib.config import get_settings
        from chalicelib.store import counters

        self.rng = random.Random(7)
        self.account_id, self.channels = account_id, channels
        self.first = counters.next_id("video")
        self.count = 0
        self.openable: list[str] = []
        self.instance = get_settings().instance_url

    def add_until(self, total: int, pages: IndexPages) -> float:
        from chalicelib.store.models import TableItem

        started = time.perf_counter()
        with TableItem.batch_write() as batch:
            while self.count < total:
                video = self._next()
                pages.add(video.serialize())
                if len(self.openable) < OPENABLE and video.privacy != 3:
                    batch.save(video)  # also in the table, so that it opens by its UUID
                    self.openable.append(str(video.uuid))
        return time.perf_counter() - started

    def _next(self) -> Any:
        from chalicelib.store.models import Video
        from chalicelib.store.models.catalogued import CATALOG_PARTITION, change_stamp

        rng, n = self.rng, self.count
        self.count += 1
        video_id, video_uuid = self.first + n, str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        when = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=n)
        return Video(
            f"VIDEO#{video_id}",
            "ENTITY",
            id=video_id,
            uuid=video_uuid,
            name=" ".join(rng.sample(WORDS, 3)).capitalize(),
            description=" ".join(rng.choices(WORDS, k=30)),
            tags=set(rng.sample(WORDS, 3)),
            category=rng.randint(1, 18),
            licence=rng.randint(1, 7),
            language=rng.choice(["en", "fr", "de", None]),
            channel_id=rng.choice(self.channels),
            account_id=self.account_id,
            url=f"{self.instance}/videos/watch/{video_uuid}",
            privacy=rng.choice([1, 1, 1, 1, 2, 3]),
            state=1,
            stage="done",
            wait_transcoding=False,
            duration=rng.randint(10, 3600),
            views=rng.randint(0, 100000),
            likes=rng.randint(0, 1000),
            trending=rng.choice([0, 0, 0, rng.randint(1, 500)]),
            created_at=when,
            updated_at=when,
            published_at=when,
            catalog_pk=CATALOG_PARTITION,
            catalog_sk=change_stamp(),
        )


def quantiles(values: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[98]


def cold_load(pages: IndexPages, videos: int) -> dict[str, float]:
    from chalicelib.domain import search
    from chalicelib.store import catalog

    catalog.reset()
    gc.collect()
    pages.waited, pages.calls = 0.0, 0
    started = time.perf_counter()
    catalog.current()
    total = time.perf_counter() - started
    figures = {"load s": total, "load own s": total - pages.waited, "load DynamoDB s": pages.waited}
    figures["pages"] = pages.calls
    # Memory: load again under tracemalloc (slower, so not timed), and what the search
    # features add once computed for every video.
    catalog.reset()
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    state = catalog.current()
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - base
    features_cache = search.FeatureCache()
    features_cache.videos(state.videos.values())
    gc.collect()
    features = tracemalloc.get_traced_memory()[0] - base - held
    tracemalloc.stop()
    figures["bytes per video"] = held / videos
    figures["search features bytes per video"] = features / videos
    return figures


def timed(api: Any, pages: IndexPages, urls: list[str], change: Callable[[], None] | None) -> tuple[float, ...]:
    total, own = [], []
    for url in urls:
        if change is not None:
            change()
        pages.waited = 0.0
        started = time.perf_counter()
        response = api.get(url)
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise SystemExit(f"{url}: {response.status} {response.body[:200]!r}")
        total.append(elapsed * 1000)
        own.append((elapsed - pages.waited) * 1000)
    return (*quantiles(total), *quantiles(own))


def scenarios(rng: random.Random, openable: list[str], count: int) -> dict[str, list[str]]:
    def many(make: Callable[[], str]) -> list[str]:
        return [make() for _ in range(count)]

    return {
        "list -publishedAt": many(lambda: f"/api/v1/videos?start={rng.randint(0, 20) * 25}&count=25"),
        "list -views": many(lambda: f"/api/v1/videos?sort=-views&start={rng.randint(0, 20) * 25}&count=25"),
        "list -trending": many(lambda: "/api/v1/videos?sort=-trending&count=25"),
        "list categoryOneOf": many(lambda: f"/api/v1/videos?categoryOneOf={rng.randint(1, 18)}&count=25"),
        "list tagsOneOf": many(lambda: f"/api/v1/videos?tagsOneOf={rng.choice(WORDS)}&count=25"),
        "list isLocal": many(lambda: "/api/v1/videos?isLocal=true&sort=-publishedAt&count=25"),
        "search words": many(lambda: f"/api/v1/search/videos?search={rng.choice(WORDS)}+{rng.choice(WORDS)}"),
        "get by uuid": many(lambda: f"/api/v1/videos/{rng.choice(openable)}"),
    }


def measure(api: Any, pages: IndexPages, videos: Videos, count: int) -> dict[str, float]:
    figures = cold_load(pages, videos.count)
    rng = random.Random(11)
    video_pks = [pk for pk in pages.items if pk.startswith("VIDEO#")]
    touch = lambda: pages.touch(rng.choice(video_pks))  # noqa: E731
    for name, urls in scenarios(rng, videos.openable, count).items():
        timed(api, pages, urls[:5], None)  # this path's first use (imports, caches)
        steady = timed(api, pages, urls, None)
        changed = timed(api, pages, urls[: max(5, count // 4)], touch)
        for label, values in (("", steady), (" after a change", changed)):
            for column, value in zip(("p50", "p99", "p50 own", "p99 own"), values, strict=True):
                figures[f"{name}{label}: {column} ms"] = value
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--videos", type=int, default=100_000)
    parser.add_argument("--reference", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    environment()
    import logging

    logging.disable(logging.WARNING)
    import moto.core.models  # noqa: F401 - moto's stub among the botocore session's handlers
    from moto import mock_aws

    from local import moto_speedups

    moto_speedups.apply()
    with mock_aws():
        api, pages, account_id, channels = start_instance()
        videos = Videos(account_id, channels)
        results = []
        for size in (args.reference, args.videos):
            seeded = videos.add_until(size, pages)
            print(f"{size} videos in the index ({seeded:.1f} s to generate)", flush=True)
            results.append(measure(api, pages, videos, args.requests))
            for name, value in results[-1].items():
                print(f"  {name:<52}{value:>12.2f}", flush=True)
    print(f"\n{'figure':<52}{args.reference:>12}{args.videos:>12}{'ratio':>8}")
    for name, small in results[0].items():
        large = results[1][name]
        ratio = f"{large / small:.2f}" if small else "-"
        print(f"{name:<52}{small:>12.2f}{large:>12.2f}{ratio:>8}")
    print("own: without DynamoDB's share (moto's, or the index pages')")


if __name__ == "__main__":
    main()
