"""Statistics over real HTTP against `make run`'s stack: a real clip uploaded and transcoded,
then three simulated viewers (view pings with progress, from three countries named by the
header CloudFront sets on AWS, with three browsers) give exactly the expected overall, time
series, retention and user agent figures once the stack's event pump has run the views
queue's consumer; playback metrics show in the QoE figures; and /api/v1/server/stats has
every field of PeerTube's ServerStats with the right types."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.harness import Client, RunningStack, make_clip, needs_ffmpeg, wait_for, wait_published
from tests.openapi import _spec, assert_conforms

pytestmark = [pytest.mark.e2e, needs_ffmpeg]

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
# Each viewer: its session, country, browser, and its pings (position, seek).
VIEWERS = (
    ("viewer-fr", "FR", FIREFOX, ((0, False), (3, False), (6, False))),  # 0-6: 6 s
    ("viewer-us", "US", CHROME_ANDROID, ((0, False), (2, False))),  # 0-2: 2 s
    ("viewer-de", "DE", SAFARI_IPHONE, ((0, False), (1, False), (4, True), (5, False))),  # 0-1, 4-5: 2 s
)


def _fresh_minute() -> datetime:
    """Wait for a minute to begin if this one is nearly over: the viewers all watch within
    one minute, which makes the peak and the minute series exact."""
    now = datetime.now(UTC)
    if now.second > 30:
        time.sleep(61 - now.second)
    return datetime.now(UTC).replace(second=0, microsecond=0)


def _published_clip(stack: RunningStack, tmp_path: Path) -> tuple[Client, str, dict[str, Any]]:
    """alice's 6 s clip, transcoded and published: (client, alice's token, its details)."""
    clip = make_clip(tmp_path / "clip.mp4", seconds=6)
    stack.start()
    client = Client(stack)
    client.register("alice", "alice password")
    token = str(client.login("alice", "alice password")["access_token"])
    channel_id = client.send("GET", "/api/v1/users/me", token).json()["videoChannels"][0]["id"]
    with open(clip, "rb") as handle:
        form = {"name": "Watched", "channelId": str(channel_id), "privacy": "1"}
        uploaded = client.send(
            "POST", "/api/v1/videos/upload", token, data=form, files={"videofile": ("c.mp4", handle, "video/mp4")}
        )
    assert uploaded.status_code == 200, uploaded.text
    video = wait_published(client, token, uploaded.json()["video"]["uuid"])
    assert video["duration"] == 6
    return client, token, video


def _watch(client: Client, uuid: str) -> None:
    """The viewers watch at the same time (one thread each, its pings in order), as viewers
    do: on a loaded machine, one after another they could run into the next minute."""

    def watch(session: str, country: str, agent: str, pings: tuple[tuple[int, bool], ...]) -> None:
        for position, seek in pings:
            body: dict[str, Any] = {"currentTime": position, "sessionId": session}
            if seek:
                body["viewEvent"] = "seek"
            headers = {"User-Agent": agent, "CloudFront-Viewer-Country": country}
            sent = client.send("POST", f"/api/v1/videos/{uuid}/views", json=body, headers=headers)
            assert sent.status_code == 204, sent.text

    with ThreadPoolExecutor(len(VIEWERS)) as viewers:
        for done in [viewers.submit(watch, *viewer) for viewer in VIEWERS]:
            done.result()


def test_simulated_viewers_give_exact_statistics(stack: RunningStack, tmp_path: Path) -> None:
    client, token, video = _published_clip(stack, tmp_path)
    uuid = str(video["uuid"])
    minute = _fresh_minute()
    _watch(client, uuid)
    # One download of an HLS file (the `downloads` series, the instance's totalLocalVideoDownloads).
    download = video["streamingPlaylists"][0]["files"][0]["fileDownloadUrl"].replace(f"http://{stack.host}", stack.url)
    assert requests.get(download, allow_redirects=False, timeout=10).status_code == 302

    def stats(path: str) -> Any:
        response = client.send("GET", f"/api/v1/videos/{uuid}/stats/{path}", token)
        assert response.status_code == 200, response.text
        return response.json()

    def settled() -> Any:
        overall = stats("overall")
        return overall if overall["totalViewers"] == 3 and overall["totalWatchTime"] == 10 else None

    overall = wait_for("the viewers' statistics", settled, seconds=60)
    assert overall == {
        "totalWatchTime": 10,
        "averageWatchTime": 3,
        "totalViewers": 3,
        "viewersPeak": 3,
        "viewersPeakDate": minute.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "countries": [{"isoCode": code, "viewers": 1} for code in ("DE", "FR", "US")],
        "subdivisions": [],
    }
    assert_conforms("VideoStatsOverall", overall)

    window = f"startDate={_iso(minute)}&endDate={_iso(minute + timedelta(minutes=5))}"
    viewers = stats(f"timeseries/viewers?{window}")
    assert viewers["groupInterval"] == "1 minute"
    assert viewers["data"] == [
        {"date": _iso(minute + timedelta(minutes=offset)), "value": 3 if offset == 0 else 0} for offset in range(6)
    ]
    assert_conforms("VideoStatsTimeserie", viewers)
    watch_time = stats(f"timeseries/aggregateWatchTime?{window}")
    assert [point["value"] for point in watch_time["data"]] == [10, 0, 0, 0, 0, 0]
    downloads = stats(f"timeseries/downloads?{window}")
    assert sum(point["value"] for point in downloads["data"]) == 1

    retention = stats("retention")
    assert_conforms("VideoStatsRetention", retention)
    assert [point["second"] for point in retention["data"]] == [0, 1, 2, 3, 4, 5, 6]
    assert [round(point["retentionPercent"], 2) for point in retention["data"]] == [
        100.0,  # all three
        100.0,
        66.67,  # fr, us
        33.33,  # fr
        66.67,  # fr, de (after its seek)
        66.67,
        33.33,
    ]

    agents = stats("user-agent")
    assert_conforms("VideoStatsUserAgent", agents)
    assert agents["clients"] == [{"name": name, "viewers": 1} for name in ("Chrome", "Firefox", "Safari")]
    assert agents["devices"] == [{"name": "mobile", "viewers": 2}, {"name": "desktop", "viewers": 1}]
    assert agents["operatingSystem"] == [{"name": name, "viewers": 1} for name in ("Android", "Linux", "iOS")]

    _playback_metrics_show_in_qoe(client, uuid, stats)
    _server_stats_are_complete(stack)


def _playback_metrics_show_in_qoe(client: Client, uuid: str, stats: Callable[[str], Any]) -> None:
    """Playback metrics, as the player sends them every 15 s, with Cirrus's QoE fields."""
    report = {
        "playerMode": "p2p-media-loader",
        "resolution": 180,
        "fps": 25,
        "p2pEnabled": False,
        "resolutionChanges": 0,
        "errors": 1,
        "downloadedBytesP2P": 0,
        "downloadedBytesHTTP": 40000,
        "uploadedBytesP2P": 0,
        "videoId": uuid,
        "sessionId": "viewer-fr",
        "startupTime": 350,
        "rebufferingCount": 1,
        "rebufferingDuration": 500,
    }
    assert client.send("POST", "/api/v1/metrics/playback", json=report).status_code == 204
    other = {**report, "sessionId": "viewer-us", "startupTime": 650, "errors": 0, "rebufferingCount": 0}
    assert client.send("POST", "/api/v1/metrics/playback", json=other).status_code == 204
    qoe = stats("qoe")
    assert qoe["reports"] == 2 and qoe["averageStartupTime"] == 500
    assert qoe["rebufferings"] == 1 and qoe["rebufferingDuration"] == 1000 and qoe["errors"] == 1
    assert qoe["rebufferingRatio"] == pytest.approx(1.0 / 10)


def _server_stats_are_complete(stack: RunningStack) -> None:
    """Every field of PeerTube's ServerStats, of its types (PeerTube's nulls aside: the manual
    redundancy strategy's size, and the averages of no abuse and no registration request)."""
    wait_for("the view", lambda: stack.get("/api/v1/server/stats").json()["totalLocalVideoViews"], seconds=30)
    server = stack.get("/api/v1/server/stats").json()
    nulls = ("videosRedundancy/0/totalSize", "averageAbuseResponseTimeMs", "averageRegistrationRequestResponseTimeMs")
    assert_conforms("ServerStats", server, known_deviations=nulls)
    assert set(server) >= set(_spec()["components"]["schemas"]["ServerStats"]["properties"])
    assert server["totalLocalVideos"] == 1 and server["totalLocalVideoViews"] >= 0
    assert server["totalUsers"] == 2 and server["totalDailyActiveUsers"] == 1  # alice logged in
    assert server["totalLocalDailyActiveVideoChannels"] == 1  # alice's channel published
    # Only the viewer from FR watched more than half of the 6 s clip: one view.
    assert server["totalLocalVideoViews"] == 1
    assert server["totalLocalVideoDownloads"] == 1


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")
