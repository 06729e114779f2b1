"""The tracker scaler against moto's ECS and CloudWatch: connections over the high mark start
the next shard's service, the shard is listed once its task runs, and a video the hash gives
to the new shard then gets its URL from the API; low connections drain it and stop it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib import aws as aws_clients
from chalicelib import caches, tracker_shards
from chalicelib.config import get_settings
from chalicelib.domain import tracker_scaler
from chalicelib.domain.tracker_scaling import DRAINING, MARKS, STARTING, STEADY
from chalicelib.store import tracker_shards as shard_store
from functions.tracker_scaler.handler import handle_schedule
from local.lambda_runtime import LocalLambdaContext
from tests.api_client import ApiClient
from tests.video_seed import add_video

CLUSTER = "cirrus-tracker"
PREFIX = "cirrus-tracker-shard-"
SHARDS = 4
CONTEXT = LocalLambdaContext("trackerscaler", 256, 60, "us-east-1")


@pytest.fixture
def scaled(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Four shards with a scaler (as the template sets them); listed before `api`."""
    monkeypatch.setenv("CIRRUS_TRACKER_SHARDS", str(SHARDS))
    monkeypatch.setenv("CIRRUS_TRACKER_SCALED", "true")
    monkeypatch.setenv("CIRRUS_TRACKER_CLUSTER", CLUSTER)
    monkeypatch.setenv("CIRRUS_TRACKER_SERVICE_PREFIX", PREFIX)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def fleet(scaled: None, api: ApiClient) -> Any:
    """The shard services as the template makes them: shards 1-3 with no task."""
    ecs = aws_clients.ecs()
    ecs.create_cluster(clusterName=CLUSTER)
    ecs.register_task_definition(
        family="tracker", containerDefinitions=[{"name": "tracker", "image": "tracker:1", "memory": 512}]
    )
    for shard in range(1, SHARDS):
        ecs.create_service(cluster=CLUSTER, serviceName=f"{PREFIX}{shard}", taskDefinition="tracker", desiredCount=0)
    return ecs


def report_connections(per_task: list[float], minutes: int) -> None:
    """What the tasks' metric lines become in CloudWatch: one figure per task per minute."""
    now = datetime.now(UTC).replace(second=30, microsecond=0)
    data = [
        {
            "MetricName": "TrackerConnections",
            "Dimensions": [{"Name": "service", "Value": "tracker"}],
            "Timestamp": now - timedelta(minutes=minute),
            "Value": value,
            "Unit": "Count",
        }
        for minute in range(1, minutes + 1)
        for value in per_task
    ]
    aws_clients.cloudwatch().put_metric_data(Namespace="Cirrus", MetricData=data)


def desired(ecs: Any) -> list[int]:
    names = [f"{PREFIX}{shard}" for shard in range(1, SHARDS)]
    services = ecs.describe_services(cluster=CLUSTER, services=names)["services"]
    return [int(service["desiredCount"]) for service in sorted(services, key=lambda s: s["serviceName"])]


def tracker_url(api: ApiClient, video_uuid: str) -> str:
    urls = api.get(f"/api/v1/videos/{video_uuid}").json()["trackerUrls"]
    return str(next(url for url in urls if url.startswith("ws")))


def test_busy_shards_grow_the_set_and_the_api_moves_the_videos_the_new_shard_wins(
    scaled: None, api: ApiClient, people: Any, fleet: Any
) -> None:
    settings = get_settings()
    shard_urls = settings.tracker_shards
    alice = people["alice"]
    # A video the hash gives to shard 1 once two shards are listed (fixed UUIDs would do as
    # well; this shows the API follows the hash whatever the UUID).
    videos = [add_video(alice.account_id, alice.channel_id, f"clip {n}") for n in range(12)]
    moving = next(v for v in videos if tracker_shards.choose(v.uuid, shard_urls[:2]) == shard_urls[1])
    assert tracker_url(api, moving.uuid) == shard_urls[0]  # one shard active: everything on 0

    report_connections([7000.0, 8000.0], minutes=MARKS.low_minutes)  # average 7,500 per task
    first = handle_schedule({}, CONTEXT)
    assert first["acted"] and first["started"] == [1] and first["phase"] == STARTING
    assert desired(fleet) == [1, 0, 0]
    item = shard_store.get_shard_set(consistent=True)
    assert item is not None and item.active == 1  # not listed before it runs

    second = handle_schedule({}, CONTEXT)  # moto runs a service's tasks at once
    assert second["active"] == 2 and second["phase"] == STEADY
    item = shard_store.get_shard_set(consistent=True)
    assert item is not None and (item.active, item.version) == (2, 2)

    caches.reset_all()  # as an API instance a minute later
    assert tracker_url(api, moving.uuid) == shard_urls[1]
    staying = [v for v in videos if tracker_shards.choose(v.uuid, shard_urls[:2]) == shard_urls[0]]
    assert all(tracker_url(api, v.uuid) == shard_urls[0] for v in staying)


def test_the_api_reads_the_set_at_most_once_a_minute(
    scaled: None, api: ApiClient, people: Any, dynamodb_calls: Any
) -> None:
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "clip")
    tracker_url(api, video.uuid)
    dynamodb_calls.clear()
    for _ in range(3):
        tracker_url(api, video.uuid)
    first = sum(dynamodb_calls.values())
    # The same requests with the set forgotten each time cost one GetItem more each.
    dynamodb_calls.clear()
    for _ in range(3):
        from chalicelib.domain import tracker_urls

        tracker_urls.reset()
        tracker_url(api, video.uuid)
    assert sum(dynamodb_calls.values()) == first + 3


def test_quiet_shards_drain_then_stop_and_overlapping_runs_act_once(scaled: None, api: ApiClient, fleet: Any) -> None:
    settings = get_settings()
    fleet.update_service(cluster=CLUSTER, service=f"{PREFIX}1", desiredCount=1)
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    assert shard_store.save_shard_set(2, STEADY, None, long_ago, version=0)
    report_connections([1000.0, 2000.0], minutes=MARKS.low_minutes)

    now = datetime.now(UTC)
    draining = tracker_scaler.scale(settings, now)
    assert draining is not None and draining.state.phase == DRAINING and draining.state.active == 1
    assert desired(fleet) == [1, 0, 0]  # its viewers keep their sockets meanwhile
    # A run that read the set before that write loses: it neither writes nor acts.
    assert not shard_store.save_shard_set(1, STEADY, None, now, version=1)

    stopped = tracker_scaler.scale(settings, now + MARKS.drain)
    assert stopped is not None and stopped.stop == (1,)
    assert desired(fleet) == [0, 0, 0]
    item = shard_store.get_shard_set(consistent=True)
    assert item is not None and (item.active, item.phase, item.version) == (1, STEADY, 3)


def test_nothing_to_scale_without_a_scaler(api: ApiClient) -> None:
    assert handle_schedule({}, CONTEXT) == {"acted": False}
