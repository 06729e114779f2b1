"""Views: the player's pings counted once per viewer per hour, aggregated through the views
queue (each message counted once however often SQS delivers it), and trending computed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib import aws
from chalicelib.config import get_settings
from local.lambda_runtime import LocalLambdaContext
from local.pump import EventPump, SqsBinding
from tests.api_client import ApiClient
from tests.members import Member
from tests.video_seed import add_video


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    import chalicelib.api.views
    import functions.views.handler

    clock = Clock()
    monkeypatch.setattr(chalicelib.api.views, "utcnow", clock)
    monkeypatch.setattr(functions.views.handler, "utcnow", clock)
    return clock


def views_queue() -> str:
    return aws.sqs().get_queue_url(QueueName=get_settings().queues.views)["QueueUrl"]


def drain_views() -> int:
    """Run the views function over everything queued, as Lambda's event source mapping would."""
    from functions.views.handler import handle_views

    sqs = aws.sqs()
    url = views_queue()
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    context = LocalLambdaContext("views", 256, 60, "us-east-1")
    counted = 0

    def run(event: dict[str, Any]) -> Any:
        nonlocal counted
        # Viewer windows for the statistics travel on the same queue; count the views only.
        counted += sum(1 for record in event["Records"] if '"kind":"viewer"' not in record["body"])
        return handle_views(event, context)

    binding = SqsBinding(url, arn, run, batch_size=10, name="views")
    pump = EventPump(sqs, "us-east-1")
    while pump.poll_sqs_once(binding):
        pass
    return counted


def ping(api: ApiClient, video: str, position: Any, session: str | None = "session-a", **extra: Any) -> Any:
    body = {"currentTime": position, **extra}
    if session is not None:
        body["sessionId"] = session
    return api.post_json(f"/api/v1/videos/{video}/views", body)


def views_of(api: ApiClient, video: str) -> int:
    return int(api.get(f"/api/v1/videos/{video}").json()["views"])


def watch(api: ApiClient, clock: Clock, video: str, session: str, seconds: int = 12) -> None:
    """Play `seconds` of the video, pinging every 4 s as a player does."""
    for position in range(0, seconds + 1, 4):
        assert ping(api, video, position, session).status == 204
        clock.advance(4)


def test_a_viewer_counts_once_an_hour(api: ApiClient, people: dict[str, Member], clock: Clock) -> None:
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "watched", duration=300).uuid

    first = ping(api, video, 0)
    assert first.status == 204 and first.body == b""
    assert drain_views() == 0  # a first ping is no view

    # Two pings sent at once cannot claim more than the clock allows.
    assert ping(api, video, 200).status == 204
    assert drain_views() == 0

    watch(api, clock, video, "session-a")
    assert drain_views() == 1
    assert views_of(api, video) == 1

    watch(api, clock, video, "session-a", seconds=40)  # the same viewer, within the hour
    watch(api, clock, video, "session-b")  # another viewer
    assert drain_views() == 1
    assert views_of(api, video) == 2

    clock.advance(3600)
    watch(api, clock, video, "session-a")
    drain_views()
    assert views_of(api, video) == 3

    # Without a session id, the address stands for the viewer.
    watch(api, clock, video, None)  # type: ignore[arg-type]
    drain_views()
    assert views_of(api, video) == 4
    assert api.get("/api/v1/videos?sort=-views").json()["data"][0]["views"] == 4
    assert api.get("/api/v1/server/stats").json()["totalLocalVideoViews"] == 4


def test_short_videos_count_past_half(api: ApiClient, people: dict[str, Member], clock: Clock) -> None:
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "short", duration=6).uuid
    ping(api, video, 0)
    clock.advance(3)
    ping(api, video, 3)
    drain_views()
    assert views_of(api, video) == 0  # exactly half is not enough
    clock.advance(1)
    ping(api, video, 4)
    drain_views()
    assert views_of(api, video) == 1


def test_redelivered_messages_count_once(api: ApiClient, people: dict[str, Member], clock: Clock) -> None:
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "popular")
    message = json.dumps({"view": "view-1", "video": video.id, "at": clock.now.isoformat()})
    url = views_queue()
    for _ in range(3):
        aws.sqs().send_message(QueueUrl=url, MessageBody=message)
    aws.sqs().send_message(QueueUrl=url, MessageBody="not json")
    gone = add_video(alice.account_id, alice.channel_id, "deleted meanwhile")
    assert api.delete_as(f"/api/v1/videos/{gone.uuid}", alice.token).status == 204
    aws.sqs().send_message(
        QueueUrl=url, MessageBody=json.dumps({"view": "view-2", "video": gone.id, "at": clock.now.isoformat()})
    )
    assert drain_views() == 5
    assert views_of(api, video.uuid) == 1
    attributes = aws.sqs().get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    assert attributes["Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_many_views_of_one_video_make_one_write(
    api: ApiClient, people: dict[str, Member], clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.store.models import Video
    from chalicelib.store.views import CountedView
    from functions.views.handler import count_batch

    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "viral")
    records = [(f"m{n}", CountedView(f"v{n}", int(video.id), clock.now)) for n in range(250)]
    writes: list[str] = []
    original = Video.get_update_kwargs_from_instance

    def spy(self: Video, *args: Any, **kwargs: Any) -> Any:
        writes.append(self.pk)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Video, "get_update_kwargs_from_instance", spy)
    assert count_batch(records) == set()
    assert len(writes) == 3  # 250 views in transactions of 97: three writes of the video, not 250
    assert views_of(api, video.uuid) == 250


def test_trending_counts_the_last_seven_days(api: ApiClient, people: dict[str, Member], clock: Clock) -> None:
    from functions.trending.handler import handle_schedule

    alice = people["alice"]
    old = add_video(alice.account_id, alice.channel_id, "old favourite", views=1000)
    fresh = add_video(alice.account_id, alice.channel_id, "fresh")
    url = views_queue()
    for n, (video_id, at) in enumerate(
        [(old.id, clock.now - timedelta(days=9))] + [(fresh.id, clock.now - timedelta(hours=n)) for n in range(3)]
    ):
        aws.sqs().send_message(
            QueueUrl=url, MessageBody=json.dumps({"view": f"t{n}", "video": video_id, "at": at.isoformat()})
        )
    drain_views()
    import chalicelib.domain.trending  # noqa: F401 - the handler reads the real clock; use ours

    context = LocalLambdaContext("trending", 256, 300, "us-east-1")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("functions.trending.handler.utcnow", clock)
        assert handle_schedule({}, context) == {"changed": 1}
        assert handle_schedule({}, context) == {"changed": 0}
    listed = api.get("/api/v1/videos?sort=-trending").json()["data"]
    assert [v["name"] for v in listed] == ["fresh", "old favourite"]
    assert api.get("/api/v1/videos?sort=-views").json()["data"][0]["name"] == "old favourite"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "currentTime"),
        ({"currentTime": None}, "currentTime"),
        ({"currentTime": 12.5}, "currentTime"),
        ({"currentTime": "soon"}, "currentTime"),
        ({"currentTime": 1, "sessionId": "tito_t"}, "sessionId"),
        ({"currentTime": 1, "viewEvent": "play"}, "viewEvent"),
        ({"currentTime": 1, "client": "x" * 201}, "client"),
    ],
)
def test_bad_pings(api: ApiClient, people: dict[str, Member], body: dict[str, Any], field: str) -> None:
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "pinged", duration=60)
    response = api.post_json(f"/api/v1/videos/{video.uuid}/views", body)
    assert response.status == 400
    assert field in response.json()["invalid-params"]
    assert drain_views() == 0


def test_pings_out_of_range_or_for_nothing(api: ApiClient, people: dict[str, Member], clock: Clock) -> None:
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "bounded", duration=60)
    late = ping(api, video.uuid, 61)
    assert (late.status, late.json()["detail"]) == (
        400,
        f"Current time 61 is invalid (video {video.uuid} duration: 60)",
    )
    assert ping(api, video.uuid, -1).status == 400
    unknown = ping(api, "123456", 1)
    assert (unknown.status, unknown.json()["detail"]) == (404, "Video not found")
    assert ping(api, "not-an-id", 1).status == 400
    bad_token = api.request(
        "POST",
        f"/api/v1/videos/{video.uuid}/views",
        body=b'{"currentTime": 1}',
        headers={"Content-Type": "application/json", "Authorization": "Bearer nope"},
    )
    assert bad_token.status == 401
    # Unlike PeerTube, a private video's id is not enough to count a view (security review
    # H4): only those who may watch it do. The watching alias works too.
    private = add_video(alice.account_id, alice.channel_id, "private", privacy=3)
    assert api.put_json(f"/api/v1/videos/{private.uuid}/watching", {"currentTime": 0}).status == 401
    assert api.put_json(f"/api/v1/videos/{private.uuid}/watching", {"currentTime": 0}, alice.token).status == 204
    assert views_of(api, video.uuid) == 0
