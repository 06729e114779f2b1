"""A live under `make run`, end to end: created through the API, streamed by ffmpeg to the
RTMP URL and stream key the API gives (as OBS would), watched over HTTP while it runs
(ffprobe decodes the master playlist, every segment matches segments-sha256.json), dropped
and reconnected within the reconnect window (one session, one replay), ended (4 → 1 → 5),
and replayed: the recording becomes a published video that plays."""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import socket
import subprocess
import time
from typing import Any

import pytest
import requests

from tests.conftest import ROOT_PASSWORD
from tests.e2e.harness import Client, RunningStack

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.live,
    pytest.mark.skipif(
        shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None, reason="ffmpeg is not installed"
    ),
]

RECONNECT_WINDOW = 8  # seconds: the gap below is well within it, the end comes soon after
LIVE_ENV = {
    "CIRRUS_LIVE_RECONNECT_WINDOW": str(RECONNECT_WINDOW),
    # A small ladder (the input's 240p and 144p) keeps two shared cores in real time.
    "CIRRUS_LIVE_RESOLUTIONS": "144",
    # The simulcast target below listens on loopback, which deployments refuse.
    "CIRRUS_FEDERATION_ALLOW_LOOPBACK": "1",
}


def simulcast_receiver(port: int, out: Any) -> subprocess.Popen[bytes]:
    """Another platform's ingest: ffmpeg listening for one RTMP push, keeping what it gets."""
    url = f"rtmp://127.0.0.1:{port}/app/elsewhere-key"
    return subprocess.Popen(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-listen", "1", "-timeout", "120", "-f", "flv", "-i", url,
         "-c", "copy", "-y", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def push(url: str, seconds: int) -> subprocess.Popen[bytes]:
    """An encoder: `seconds` of a test picture and tone, in real time, keyframes every 2 s."""
    return subprocess.Popen(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
         "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
         "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-f", "flv", url],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def ffprobe(url: str) -> dict[str, Any]:
    completed = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", url],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    return dict(json.loads(completed.stdout))


class Watcher:
    """Polls the video as a player would, and keeps the states it went through."""

    def __init__(self, client: Client, video_id: int) -> None:
        self.client, self.video_id = client, video_id
        self.states: list[int] = []

    def details(self) -> dict[str, Any]:
        video = dict(self.client.send("GET", f"/api/v1/videos/{self.video_id}").json())
        state = int(video["state"]["id"])
        if not self.states or self.states[-1] != state:
            self.states.append(state)
        return video

    def wait(self, what: str, condition: Any, seconds: float) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            video = self.details()
            if condition(video):
                return video
            time.sleep(0.1)
        raise AssertionError(f"still waiting for {what} after {seconds:.0f} s (states {self.states})")


def test_a_live_streams_survives_a_drop_ends_and_its_replay_plays(stack: RunningStack, tmp_path: Any) -> None:  # noqa: PLR0915
    stack.extra_env.update(LIVE_ENV)
    stack.start()
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        simulcast_port = free.getsockname()[1]
    received = tmp_path / "simulcast.flv"
    receiver = simulcast_receiver(simulcast_port, received)
    client = Client(stack)
    token = client.login("root", ROOT_PASSWORD)["access_token"]
    channel = client.send("GET", "/api/v1/users/me", token).json()["videoChannels"][0]["id"]
    created = client.send(
        "POST",
        "/api/v1/videos/live",
        token,
        json={"channelId": channel, "name": "Live over HTTP", "privacy": 1, "saveReplay": True,
              "replaySettings": {"privacy": 1},
              "simulcastTargets": [f"rtmp://127.0.0.1:{simulcast_port}/app/elsewhere-key"]},
    )  # fmt: skip
    assert created.status_code == 200, created.text
    video_id = created.json()["video"]["id"]
    live = client.send("GET", f"/api/v1/videos/live/{video_id}", token).json()
    assert live["rtmpUrl"] == f"rtmp://127.0.0.1:{stack.rtmp_port}/live"
    ingest_url = f"{live['rtmpUrl']}/{live['streamKey']}"
    watcher = Watcher(client, video_id)
    assert watcher.details()["state"]["id"] == 4

    # A stream key nobody holds is refused at the ingest, before any media.
    refused = push(f"{live['rtmpUrl']}/not-{live['streamKey']}", 5)
    assert refused.wait(timeout=30) != 0

    first = push(ingest_url, 40)
    try:
        playing = watcher.wait("the live to play", lambda v: v["state"]["id"] == 1, 60)
        assert playing["isLive"] is True
        (playlist,) = playing["streamingPlaylists"]
        master = playlist["playlistUrl"]
        instance = stack.url.replace("127.0.0.1", "localhost")
        assert master == f"{instance}/static/streaming-playlists/hls/live/{playing['uuid']}/master.m3u8"
        probed = ffprobe(master)
        assert any(s["codec_type"] == "video" and s["codec_name"] == "h264" for s in probed["streams"])
        assert any(s["codec_type"] == "audio" for s in probed["streams"])
        _check_segments(master, playlist["segmentsSha256Url"])
        # Two players pinging (one of them twice) are the live's two viewers.
        for session_id in ("player-1", "player-2", "player-1"):
            body = {"currentTime": 1, "sessionId": session_id}
            assert client.send("POST", f"/api/v1/videos/{video_id}/views", json=body).status_code == 204
        assert watcher.details()["viewers"] == 2
        time.sleep(4)
    finally:
        first.send_signal(signal.SIGKILL)  # the connection drops, no goodbye
        first.wait(timeout=10)

    # Within the window the live stays on, and the encoder's return continues its session.
    time.sleep(2)
    assert watcher.details()["state"]["id"] == 1
    second = push(ingest_url, 10)
    assert second.wait(timeout=60) == 0, (second.stderr.read() if second.stderr else b"").decode()

    ended = watcher.wait("the live's end", lambda v: v["state"]["id"] != 1, RECONNECT_WINDOW + 30)
    replay = watcher.wait(
        "its replay", lambda v: v["state"]["id"] == 1 and v["isLive"] is False and v["streamingPlaylists"], 240
    )
    assert 5 in watcher.states and watcher.states[:3] == [4, 1, 5], watcher.states
    assert ended["state"]["id"] in (5, 2)
    # The replay is the live itself (non-permanent), a video on demand now, and plays.
    assert (replay["id"], replay["privacy"]["id"]) == (video_id, 1)
    replay_master = replay["streamingPlaylists"][0]["playlistUrl"]
    assert "/hls/live/" not in replay_master
    probed = ffprobe(replay_master)
    assert any(s["codec_type"] == "video" for s in probed["streams"])
    # Both connections' media: about 14+ s of the first, 10 of the second.
    assert replay["duration"] >= 18, replay["duration"]

    # One session across the drop, its replay named.
    sessions = client.send("GET", f"/api/v1/videos/live/{video_id}/sessions", token).json()
    assert sessions["total"] == 1, sessions
    (session,) = sessions["data"]
    assert session["replayVideo"]["id"] == video_id and session["endDate"] is not None and session["error"] is None
    assert client.send("GET", f"/api/v1/videos/{video_id}/live-session").json()["id"] == session["id"]
    mine = client.send("GET", "/api/v1/users/me/videos", token).json()
    assert mine["total"] == 1  # one replay, no second video
    # The live's own files are gone; the ended live refuses its key.
    assert requests.get(master, timeout=10).status_code == 404
    assert push(ingest_url, 3).wait(timeout=30) != 0
    # The first connection's stream also reached the other platform, as it was sent.
    assert receiver.wait(timeout=30) == 0, (receiver.stderr.read() if receiver.stderr else b"").decode()
    pushed = ffprobe(str(received))
    assert {s["codec_type"] for s in pushed["streams"]} == {"video", "audio"}
    assert float(pushed["format"]["duration"]) >= 8, pushed["format"]


def _check_segments(master: str, hashes_url: str) -> None:
    """Each segment a rendition's playlist names matches segments-sha256.json; playlists are
    cached a second, segments for long."""
    base = master.rsplit("/", 1)[0]
    head = requests.get(master, timeout=10)
    assert head.headers["Cache-Control"] == "public, max-age=1"
    renditions = [line for line in head.text.splitlines() if line and not line.startswith("#")]
    assert len(renditions) == 2  # 240p (the input's) and 144p
    hashes_response = requests.get(hashes_url, timeout=10)
    assert hashes_response.headers["Cache-Control"] == "public, max-age=1"
    hashes = hashes_response.json()
    for rendition in renditions:
        text = requests.get(f"{base}/{rendition}", timeout=10).text
        segments = [line for line in text.splitlines() if line.endswith(".ts")]
        assert segments, text
        for name in segments:
            segment = requests.get(f"{base}/{name}", timeout=10)
            assert segment.status_code == 200
            assert "immutable" in segment.headers["Cache-Control"]
            assert hashlib.sha256(segment.content).hexdigest() == hashes[name], name
