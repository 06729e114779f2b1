"""A video's statistics: viewers' pings (with progress, country and user agent) aggregated by
the views queue's consumer into exact overall, time series, retention and user agent
figures; a redelivered or out-of-order message adds nothing; the routes' rights and bad
input; playback metrics in the QoE figures."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.integration.test_views import Clock, drain_views, views_queue
from tests.members import Member
from tests.video_seed import add_video

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
NOON = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    import chalicelib.api.video_stats
    import chalicelib.api.views
    import functions.views.handler

    clock = Clock()
    for module in (chalicelib.api.views, functions.views.handler, chalicelib.api.video_stats):
        monkeypatch.setattr(module, "utcnow", clock)
    return clock


def ping(api: ApiClient, video: str, session: str, position: int, agent: str, country: str, **extra: Any) -> None:
    body = {"currentTime": position, "sessionId": session, **extra}
    headers = {"content-type": "application/json", "user-agent": agent, "cloudfront-viewer-country": country}
    if country == "FR":
        headers["cloudfront-viewer-country-region-name"] = "Brittany"
    response = api.request("POST", f"/api/v1/videos/{video}/views", body=json.dumps(body).encode(), headers=headers)
    assert response.status == 204, response.body


def at(clock: Clock, moment: datetime) -> None:
    clock.now = moment


def three_viewers(api: ApiClient, clock: Clock, video: str) -> None:
    """A watches 0-30 s at 12:00; C watches 0-10 s from 12:00:40 to 12:01:50; B watches
    0-10 then seeks to 50-60 at 12:02."""
    for step in range(7):
        at(clock, NOON + timedelta(seconds=5 * step))
        ping(api, video, "viewer-a", 5 * step, FIREFOX, "FR")
    for offset, position in ((40, 0), (45, 5), (110, 10)):
        at(clock, NOON + timedelta(seconds=offset))
        ping(api, video, "viewer-c", position, SAFARI_IPHONE, "FR")
    for offset, position, seek in ((120, 0, False), (125, 5, False), (130, 10, False), (135, 50, True)):
        at(clock, NOON + timedelta(seconds=offset))
        ping(api, video, "viewer-b", position, CHROME_ANDROID, "US", **({"viewEvent": "seek"} if seek else {}))
    for offset, position in ((140, 55), (145, 60)):
        at(clock, NOON + timedelta(seconds=offset))
        ping(api, video, "viewer-b", position, CHROME_ANDROID, "US")


def stats(api: ApiClient, token: str, video: str, path: str) -> Any:
    response = api.get_as(f"/api/v1/videos/{video}/stats/{path}", token)
    assert response.status == 200, response.body
    return response.json()


def test_viewers_become_exact_statistics(api: ApiClient, people: dict[str, Member], clock: Clock) -> None:
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "watched", duration=100).uuid
    three_viewers(api, clock, video)
    drain_views()
    at(clock, NOON + timedelta(hours=1))

    overall = stats(api, alice.token, video, "overall")
    assert overall == {
        "totalWatchTime": 60,
        "averageWatchTime": 20,
        "totalViewers": 3,
        "viewersPeak": 2,
        "viewersPeakDate": "2026-06-01T12:00:00.000Z",
        "countries": [{"isoCode": "FR", "viewers": 2}, {"isoCode": "US", "viewers": 1}],
        "subdivisions": [{"name": "Brittany", "viewers": 2}],
    }
    window = "startDate=2026-06-01T12:00:00.000Z&endDate=2026-06-01T12:05:00.000Z"
    viewers = stats(api, alice.token, video, f"timeseries/viewers?{window}")
    assert viewers["groupInterval"] == "1 minute"
    assert [point["value"] for point in viewers["data"]] == [2, 1, 1, 0, 0, 0]
    assert viewers["data"][0]["date"] == "2026-06-01T12:00:00.000Z"
    watch_time = stats(api, alice.token, video, f"timeseries/aggregateWatchTime?{window}")
    assert [point["value"] for point in watch_time["data"]] == [30, 10, 20, 0, 0, 0]

    hours = "startDate=2026-06-01T12:30:00.000Z&endDate=2026-06-02T08:00:00.000Z"
    hourly = stats(api, alice.token, video, f"timeseries/viewers?{hours}")
    assert hourly["groupInterval"] == "1 hour"
    assert hourly["data"][0] == {"date": "2026-06-01T12:00:00.000Z", "value": 3}
    assert sum(point["value"] for point in hourly["data"]) == 3

    curve = stats(api, alice.token, video, "retention")["data"]
    retention = {point["second"]: point["retentionPercent"] for point in curve}
    assert len(retention) == 101
    assert retention[0] == retention[10] == 100
    assert retention[11] == retention[30] == pytest.approx(100 / 3)
    assert retention[31] == retention[49] == retention[61] == 0
    assert retention[50] == retention[60] == pytest.approx(100 / 3)

    agents = stats(api, alice.token, video, "user-agent")
    assert agents["clients"] == [
        {"name": "Chrome", "viewers": 1},
        {"name": "Firefox", "viewers": 1},
        {"name": "Safari", "viewers": 1},
    ]
    assert agents["devices"] == [{"name": "mobile", "viewers": 2}, {"name": "desktop", "viewers": 1}]
    assert agents["operatingSystem"] == [
        {"name": "Android", "viewers": 1},
        {"name": "Linux", "viewers": 1},
        {"name": "iOS", "viewers": 1},
    ]
    day = stats(api, alice.token, video, "overall?startDate=2026-06-01T00:00:00Z&endDate=2026-06-01T23:00:00Z")
    assert {key: day[key] for key in ("totalViewers", "totalWatchTime", "viewersPeak")} == {
        "totalViewers": 3,
        "totalWatchTime": 60,
        "viewersPeak": 2,
    }
    assert stats(api, alice.token, video, "overall?startDate=2026-06-02T00:00:00Z")["totalViewers"] == 0


def test_redelivered_and_late_states_add_nothing(
    api: ApiClient, people: dict[str, Member], clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib import aws

    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "redelivered", duration=100).uuid
    sent: list[str] = []
    sqs = aws.sqs()
    url = views_queue()
    for step in range(4):
        at(clock, NOON + timedelta(seconds=5 * step))
        ping(api, video, "viewer-a", 5 * step, FIREFOX, "FR")
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
        sent += [m["Body"] for m in messages.get("Messages", []) if '"kind":"viewer"' in m["Body"]]
    drain_views()
    before = stats(api, alice.token, video, "overall")
    assert before["totalViewers"] == 1 and before["totalWatchTime"] == 15
    # Every state again, the oldest last: as SQS may redeliver, in any order.
    for body in [*sent[::-1], *sent]:
        sqs.send_message(QueueUrl=url, MessageBody=body)
    drain_views()
    assert stats(api, alice.token, video, "overall") == before
    retention = stats(api, alice.token, video, "retention")["data"]
    assert retention[15]["retentionPercent"] == 100 and retention[16]["retentionPercent"] == 0


def test_rights_and_bad_input(api: ApiClient, people: dict[str, Member], clock: Clock) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    video = add_video(alice.account_id, alice.channel_id, "private stats", duration=100).uuid
    path = f"/api/v1/videos/{video}/stats/overall"
    assert api.get(path).status == 401
    assert api.get_as(path, bob.token).status == 403
    assert api.get_as(path, mod.token).status == 200  # moderators see all videos
    assert api.get_as(f"/api/v1/videos/{video}/stats/timeseries/likes", alice.token).status == 400
    for query in (
        "startDate=2026-06-02T00:00:00Z&endDate=2026-06-01T00:00:00Z",  # reversed
        "startDate=2010-01-01T00:00:00Z&endDate=2026-06-01T00:00:00Z",  # longer than 3650 days
        "startDate=2026-06-01T00:00:00Z",  # one without the other
        "startDate=yesterday&endDate=2026-06-01T00:00:00Z",
    ):
        response = api.get_as(f"/api/v1/videos/{video}/stats/timeseries/viewers?{query}", alice.token)
        assert response.status == 400, query
        assert response.headers["content-type"].startswith("application/problem+json")
    assert api.get_as(f"{path}?startDate=2026-06-02T00:00:00Z&endDate=2026-06-01T00:00:00Z", alice.token).status == 400


def test_playback_metrics_make_the_qoe_figures(api: ApiClient, people: dict[str, Member], clock: Clock) -> None:
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "measured", duration=100).uuid
    at(clock, NOON)
    report = {
        "playerMode": "p2p-media-loader",
        "resolution": 720,
        "fps": 30,
        "p2pEnabled": True,
        "resolutionChanges": 1,
        "errors": 0,
        "downloadedBytesP2P": 1000,
        "downloadedBytesHTTP": 5000,
        "uploadedBytesP2P": 10,
        "videoId": video,
        "sessionId": "viewer-a",
        "startupTime": 800,
        "rebufferingCount": 2,
        "rebufferingDuration": 1500,
    }
    assert api.post_json("/api/v1/metrics/playback", report).status == 204
    assert api.post_json("/api/v1/metrics/playback", report).status == 204  # the same slot: not counted
    at(clock, NOON + timedelta(seconds=15))
    later = {**report, "startupTime": None, "rebufferingCount": 10**9, "downloadedBytesHTTP": 3000}
    assert api.post_json("/api/v1/metrics/playback", later).status == 204
    other = {**report, "sessionId": "viewer-b", "startupTime": 1200, "rebufferingCount": 0, "rebufferingDuration": 0}
    assert api.post_json("/api/v1/metrics/playback", other).status == 204
    qoe = stats(api, alice.token, video, "qoe")
    assert qoe["reports"] == 3
    assert qoe["startups"] == 2 and qoe["averageStartupTime"] == 1000
    assert qoe["rebufferings"] == 2 + 100 + 0  # an absurd count is capped
    assert qoe["rebufferingDuration"] == 3000
    assert qoe["downloadedBytesHTTP"] == 5000 + 3000 + 5000

    for bad in ({**report, "playerMode": "flash"}, {**report, "errors": -1}, {**report, "p2pEnabled": "yes"}):
        response = api.post_json("/api/v1/metrics/playback", bad)
        assert response.status == 400, bad
    assert api.post_json("/api/v1/metrics/playback", {**report, "videoId": 999999}).status == 404
    assert stats(api, alice.token, video, "qoe")["reports"] == 3
