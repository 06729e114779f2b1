"""`make run`'s stack, driven over real HTTP: it serves, stops, restarts and keeps its data."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from tests.conftest import ROOT, ROOT_PASSWORD
from tests.openapi import ACTOR_NULLS, USER_NULLS, VIDEO_NULLS, assert_conforms

pytestmark = pytest.mark.e2e
STARTUP_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RunningStack:
    def __init__(self, data_dir: Path) -> None:
        self.port = _free_port()
        self.aws_port = _free_port()
        self.data_dir = data_dir
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir.parent / f"stack-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def aws_url(self) -> str:
        return f"http://127.0.0.1:{self.aws_port}"

    def start(self) -> None:
        env = {
            **os.environ,
            "CIRRUS_PORT": str(self.port),
            "CIRRUS_AWS_PORT": str(self.aws_port),
            "CIRRUS_DATA_DIR": str(self.data_dir),
            "CIRRUS_SIGNUP_ENABLED": "true",
            "CIRRUS_SIGNUP_REQUIRES_APPROVAL": "false",
            "PT_INITIAL_ROOT_PASSWORD": ROOT_PASSWORD,
        }
        env.pop("CIRRUS_AWS_ENDPOINT_URL", None)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "local"], cwd=ROOT, env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the stack exited early:\n{self.log.read_text()}")
            try:
                if requests.get(f"{self.url}/api/v1/config", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"the stack did not start in {STARTUP_SECONDS}s:\n{self.log.read_text()}")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        code = self.process.wait(timeout=30)
        self.process = None
        return code

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return requests.get(f"{self.url}{path}", timeout=10, **kwargs)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[RunningStack]:
    running = RunningStack(tmp_path / "data")
    yield running
    if running.process is not None:
        running.stop(signal.SIGKILL)


class Client:
    """A PeerTube client app talking to the stack over HTTP."""

    def __init__(self, stack: RunningStack) -> None:
        self.stack = stack
        credentials = stack.get("/api/v1/oauth-clients/local").json()
        self.client_id, self.client_secret = credentials["client_id"], credentials["client_secret"]

    def token(self, **fields: str) -> requests.Response:
        form = {"client_id": self.client_id, "client_secret": self.client_secret, **fields}
        return requests.post(f"{self.stack.url}/api/v1/users/token", data=form, timeout=10)

    def login(self, username: str, password: str) -> dict[str, Any]:
        response = self.token(grant_type="password", username=username, password=password)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def send(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        headers = {**kwargs.pop("headers", {}), **({"Authorization": f"Bearer {token}"} if token else {})}
        return requests.request(method, f"{self.stack.url}{path}", headers=headers, timeout=10, **kwargs)

    def register(self, username: str, password: str) -> None:
        body = {"username": username, "password": password, "email": f"{username}@example.org"}
        response = self.send("POST", "/api/v1/users/register", json=body)
        assert response.status_code == 204, response.text


def _aws(stack: RunningStack, service: str) -> Any:
    session = boto3.session.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="us-east-1")
    return session.client(service, endpoint_url=stack.aws_url)


def test_the_account_flow_over_http(stack: RunningStack) -> None:
    stack.start()
    client = Client(stack)
    client.register("alice", "alice password")
    tokens = client.login("alice", "alice password")
    me = client.send("GET", "/api/v1/users/me", tokens["access_token"])
    assert_conforms("User", me.json(), known_deviations=USER_NULLS + ACTOR_NULLS)

    refreshed = client.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refreshed.status_code == 200
    token = refreshed.json()["access_token"]
    created = client.send("POST", "/api/v1/video-channels", token, json={"name": "alice_tv", "displayName": "TV"})
    assert created.status_code == 200, created.text
    updated = client.send("PUT", "/api/v1/video-channels/alice_tv", token, json={"displayName": "Alice TV"})
    assert updated.status_code == 204
    channel = client.send("GET", "/api/v1/video-channels/alice_tv")
    assert_conforms("VideoChannel", channel.json(), known_deviations=ACTOR_NULLS)
    assert channel.json()["displayName"] == "Alice TV"

    assert client.send("POST", "/api/v1/users/revoke-token", token).status_code == 200
    refused = client.send("GET", "/api/v1/users/me", token)
    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith("application/problem+json")


def test_the_stack_serves_restarts_and_keeps_its_data(stack: RunningStack) -> None:
    stack.start()
    config = stack.get("/api/v1/config")
    assert config.status_code == 200
    assert_conforms("ServerConfig", config.json())
    assert stack.get("/api/v1/nope").headers["content-type"].startswith("application/problem+json")

    client = Client(stack)
    client.register("alice", "alice password")
    _aws(stack, "s3").put_object(Bucket="cirrus-media", Key="static/e2e.txt", Body=b"kept across restarts")
    sqs = _aws(stack, "sqs")
    queue = sqs.get_queue_url(QueueName="cirrus-deliver")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="queued before the restart")
    assert stack.get("/api/v1/server/stats").json()["totalUsers"] == 2  # root and alice

    assert stack.stop(signal.SIGTERM) == 0
    stack.start()

    assert Client(stack).client_id == client.client_id
    Client(stack).login("alice", "alice password")
    assert stack.get("/api/v1/server/stats").json()["totalUsers"] == 2
    media = stack.get("/static/e2e.txt", headers={"Range": "bytes=0-3"})
    assert (media.status_code, media.content) == (206, b"kept")
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
    assert [m["Body"] for m in messages] == ["queued before the restart"]

    # A crash loses at most the last moment: what was written two seconds before is kept.
    Client(stack).register("bob", "bob password")
    time.sleep(2.5)
    stack.stop(signal.SIGKILL)
    stack.start()
    Client(stack).login("bob", "bob password")
    assert stack.get("/api/v1/server/stats").json()["totalUsers"] == 3
    assert stack.stop(signal.SIGINT) == 0


def test_the_web_client_is_served_with_client_routes(stack: RunningStack) -> None:
    if not (ROOT / "web" / "dist" / "index.html").exists():
        pytest.skip("web/dist is not built (make test builds it)")
    stack.start()
    for path in ("/", "/about", "/videos/watch/123"):
        page = stack.get(path)
        assert page.status_code == 200
        assert "<title>Cirrus</title>" in page.text
    activitypub = stack.get("/videos/watch/123", headers={"Accept": "application/activity+json"})
    assert activitypub.headers["content-type"].startswith("application/problem+json")


def _clip(path: Path, seconds: int = 6) -> Path:
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
         "-f", "lavfi", "-i", "sine=frequency=300", "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast",
         "-c:a", "aac", "-pix_fmt", "yuv420p", str(path)],
        check=True,
    )  # fmt: skip
    return path


def _wait_published(client: Client, token: str, uuid: str, seconds: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        video = client.send("GET", f"/api/v1/videos/{uuid}", token).json()
        if video["state"]["id"] == 1:
            return dict(video)
        assert video["state"]["id"] == 2, video["state"]
        time.sleep(0.5)
    raise AssertionError(f"video {uuid} was not published in {seconds}s")


def _check_playable(stack: RunningStack, video: dict[str, Any], frames: int) -> None:
    from chalicelib.media.probe import count_frames

    playlist = video["streamingPlaylists"][0]
    assert stack.get(playlist["playlistUrl"].replace(f"http://localhost:{stack.port}", "")).status_code == 200
    hashes = requests.get(playlist["segmentsSha256Url"], timeout=10).json()
    for file in playlist["files"]:
        # ffprobe reads each resolution over HTTP through the gateway, byte range by byte range.
        assert count_frames(file["playlistUrl"]) == frames
        media_name = file["fileUrl"].rsplit("/", 1)[-1]
        first_range = next(iter(hashes[media_name]))
        start, end = (int(x) for x in first_range.split("-"))
        segment = requests.get(file["fileUrl"], headers={"Range": f"bytes={start}-{end}"}, timeout=10)
        assert hashlib.sha256(segment.content).hexdigest() == hashes[media_name][first_range]
    assert requests.get(f"{stack.url}{video['thumbnailPath']}", timeout=10).headers["content-type"] == "image/jpeg"


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed (make test installs it)")
def test_uploads_become_playable_hls(stack: RunningStack, tmp_path: Path) -> None:
    stack.start()
    client = Client(stack)
    client.register("vera", "vera password")
    token = client.login("vera", "vera password")["access_token"]
    channel_id = client.send("GET", "/api/v1/users/me", token).json()["videoChannels"][0]["id"]
    clip = _clip(tmp_path / "clip.mp4")

    with open(clip, "rb") as handle:
        legacy = client.send(
            "POST",
            "/api/v1/videos/upload",
            token,
            data={"name": "Legacy upload", "channelId": str(channel_id), "privacy": "1", "tags[]": ["one", "two"]},
            files={"videofile": ("clip.mp4", handle, "video/mp4")},
        )
    assert legacy.status_code == 200, legacy.text

    started = client.send(
        "POST",
        "/api/v1/videos/upload-s3",
        token,
        json={"name": "Direct upload", "channelId": channel_id, "privacy": 1, "filename": "clip.mp4",
              "size": clip.stat().st_size, "mimeType": "video/mp4"},
    )  # fmt: skip
    assert started.status_code == 200, started.text
    upload = started.json()["upload"]
    data = clip.read_bytes()
    etags = []
    for part in upload["parts"]:
        start = (part["partNumber"] - 1) * upload["partSize"]
        put = requests.put(part["url"], data=data[start : start + upload["partSize"]], timeout=30)
        assert put.status_code == 200
        etags.append({"partNumber": part["partNumber"], "etag": put.headers["ETag"]})
    direct_id = started.json()["video"]["id"]
    completed = client.send("POST", f"/api/v1/videos/upload-s3/{direct_id}/complete", token, json={"parts": etags})
    assert completed.status_code == 200, completed.text

    init = client.send(
        "POST",
        "/api/v1/videos/upload-resumable",
        token,
        json={"name": "Resumable upload", "channelId": channel_id, "privacy": 1, "filename": "clip.mp4"},
        headers={"X-Upload-Content-Length": str(len(data)), "X-Upload-Content-Type": "video/mp4"},
    )
    assert init.status_code == 201, init.text
    chunk_url = "http:" + init.headers["Location"]
    step = len(data) // 3 + 1
    for start in range(0, len(data), step):
        piece = data[start : start + step]
        sent = requests.put(
            chunk_url,
            data=piece,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/octet-stream",
                "Content-Range": f"bytes {start}-{start + len(piece) - 1}/{len(data)}",
            },
            timeout=30,
        )
        assert sent.status_code == (200 if start + step >= len(data) else 308), sent.text
    resumed = sent.json()["video"]

    for created in (legacy.json()["video"], started.json()["video"], resumed):
        video = _wait_published(client, token, created["shortUUID"])
        assert_conforms("VideoDetails", video, known_deviations=VIDEO_NULLS)
        assert [f["resolution"]["id"] for f in video["streamingPlaylists"][0]["files"]] == [180, 144]
        _check_playable(stack, video, frames=6 * 25)

    deleted = client.send("DELETE", f"/api/v1/videos/{direct_id}", token)
    assert deleted.status_code == 204
    assert client.send("GET", f"/api/v1/videos/{direct_id}", token).status_code == 404
