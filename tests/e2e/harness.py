"""Driving `make run`'s stack from tests: start `python -m local` in a subprocess on free
ports, talk to it over HTTP as a PeerTube client would, and make real clips to upload."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import ROOT, ROOT_PASSWORD

STARTUP_SECONDS = 30

needs_ffmpeg = pytest.mark.skipif(
    shutil.which("ffmpeg") is None, reason="ffmpeg is not installed (make test installs it)"
)


def free_port(address: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((address, 0))
        return int(s.getsockname()[1])


class RunningStack:
    def __init__(self, data_dir: Path, *, bind: str = "127.0.0.1", named_by_address: bool = False, **env: str) -> None:
        """`named_by_address`: the instance's host is `<bind>:<port>` instead of `localhost:<port>`
        (two instances side by side need different host names); `env` adds settings."""
        self.bind = bind
        self.port = free_port(bind)
        self.aws_port = free_port(bind)
        self.rtmp_port = free_port(bind)  # every stack its own live ingest (make run's is 1935)
        self.data_dir = data_dir
        self.named_by_address = named_by_address
        self.extra_env = env
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir.parent / f"stack-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://{self.bind}:{self.port}"

    @property
    def aws_url(self) -> str:
        return f"http://{self.bind}:{self.aws_port}"

    @property
    def host(self) -> str:
        """The instance's host in handles and URLs."""
        return f"{self.bind}:{self.port}" if self.named_by_address else f"localhost:{self.port}"

    def start(self) -> None:
        env = {
            **os.environ,
            "CIRRUS_PORT": str(self.port),
            "CIRRUS_AWS_PORT": str(self.aws_port),
            "CIRRUS_RTMP_PORT": str(self.rtmp_port),
            "CIRRUS_DATA_DIR": str(self.data_dir),
            "CIRRUS_SIGNUP_ENABLED": "true",
            "CIRRUS_SIGNUP_REQUIRES_APPROVAL": "false",
            "PT_INITIAL_ROOT_PASSWORD": ROOT_PASSWORD,
            "CIRRUS_BIND_ADDRESS": self.bind,
            **self.extra_env,
        }
        env.pop("CIRRUS_AWS_ENDPOINT_URL", None)
        env.pop("CIRRUS_HOST", None)
        env.pop("CIRRUS_LIVE_RTMP_URL", None)
        if self.named_by_address:
            env["CIRRUS_HOST"] = self.host
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "local"], cwd=ROOT, env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the stack exited early:\n{self.log.read_text()}")
            try:
                if requests.get(f"{self.url}/api/v1/config", timeout=1).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or a loaded machine answering slowly: ask again
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


def make_clip(path: Path, seconds: int = 6, size: str = "320x180", bitrate: str | None = None) -> Path:
    """A real H.264/AAC clip of `seconds` at 25 frames per second (`bitrate` such as "6M"
    makes it as large as a camera's)."""
    rate = ["-b:v", bitrate] if bitrate else []
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25",
         "-f", "lavfi", "-i", "sine=frequency=300", "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast",
         *rate, "-c:a", "aac", "-pix_fmt", "yuv420p", str(path)],
        check=True,
    )  # fmt: skip
    return path


def wait_published(
    client: Client, token: str, uuid: str, seconds: float = 120, complete: bool = True
) -> dict[str, Any]:
    """The video's details once transcoding has published it (state 1): by default once every
    rendition is in (published from its first one on, a video's master playlist keeps a short
    Cache-Control while the others are added: docs/transcoding.md); with `complete=False`,
    as soon as it is playable."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        video = client.send("GET", f"/api/v1/videos/{uuid}", token).json()
        if video["state"]["id"] == 1 and (not complete or all_renditions_in(video)):
            return dict(client.send("GET", f"/api/v1/videos/{uuid}", token).json()) if complete else dict(video)
        assert video["state"]["id"] in (1, 2), video["state"]
        time.sleep(0.5)
    raise AssertionError(f"video {uuid} was not published in {seconds}s")


GROWING_PLAYLIST = "public, max-age=2"  # chalicelib/store/media.py


def all_renditions_in(video: dict[str, Any]) -> bool:
    """Whether a published video's renditions are all in: its master playlist no longer
    says it grows (a video without HLS, or whose playlist this client may not read: yes)."""
    playlists = video.get("streamingPlaylists") or []
    if not playlists or video.get("isLive"):
        return True
    found = requests.get(playlists[0]["playlistUrl"], timeout=10)
    return found.status_code != 200 or found.headers.get("Cache-Control") != GROWING_PLAYLIST


def put_chunk(url: str, token: str, data: bytes, start: int, length: int) -> requests.Response:
    """One chunk of a resumable upload, as PeerTube's clients send it."""
    piece = data[start : start + length]
    return requests.put(
        url,
        data=piece,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/octet-stream",
            "Content-Range": f"bytes {start}-{start + len(piece) - 1}/{len(data)}",
        },
        timeout=60,
    )


def upload_resumable(client: Client, token: str, data: bytes, name: str, chunk: int = 8 * 1024 * 1024) -> str:
    """Upload `data` as a public video of the user's first channel, by PeerTube's resumable
    upload in chunks, as its clients do; the new video's UUID."""
    channel = client.send("GET", "/api/v1/users/me", token).json()["videoChannels"][0]["id"]
    init = client.send(
        "POST", "/api/v1/videos/upload-resumable", token,
        json={"name": name, "channelId": channel, "privacy": 1, "filename": "clip.mp4"},
        headers={"X-Upload-Content-Length": str(len(data)), "X-Upload-Content-Type": "video/mp4"},
    )  # fmt: skip
    assert init.status_code == 201, init.text
    url = "http:" + init.headers["Location"]
    for start in range(0, len(data), chunk):
        sent = put_chunk(url, token, data, start, chunk)
        assert sent.status_code in (200, 308), sent.text
    return str(sent.json()["video"]["uuid"])


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[RunningStack]:
    """A stack of its own for one test, not started: the test starts (and may restart) it."""
    running = RunningStack(tmp_path / "data")
    yield running
    if running.process is not None:
        running.stop(signal.SIGKILL)


# Two stacks that federate over loopback (tests/e2e/conftest.py's `instances`): plain http
# between loopback addresses, and 2, 4, 8 ... seconds between delivery attempts instead of 60,
# 120 ...
FEDERATION_ENV = {"CIRRUS_FEDERATION_ALLOW_LOOPBACK": "1", "CIRRUS_DELIVERY_RETRY_SECONDS": "2"}


def wait_for(what: str, probe: Callable[[], Any], seconds: float = 120) -> Any:
    """What `probe` returns once it is truthy, asked every half second."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def instances(tmp_path: Path) -> Iterator[tuple[RunningStack, RunningStack]]:
    """Two started stacks named by their addresses (127.0.0.1 and 127.0.0.2) that federate."""
    a = RunningStack(tmp_path / "a", bind="127.0.0.1", named_by_address=True, **FEDERATION_ENV)
    b = RunningStack(tmp_path / "b", bind="127.0.0.2", named_by_address=True, **FEDERATION_ENV)
    a.start()
    b.start()
    yield a, b
    for stack in (a, b):
        if stack.process is not None:
            stack.stop()


def wait_import_published(client: Client, token: str, import_id: int) -> dict[str, Any]:
    """The video of one of the user's imports, once the import succeeded and the video is
    published (an import or video that fails fails the test at once)."""

    def done() -> dict[str, Any] | None:
        found = client.send("GET", "/api/v1/users/me/videos/imports", token).json()["data"]
        item = next(entry for entry in found if entry["id"] == import_id)
        assert item["state"]["id"] in (1, 2, 6), item
        if item["state"]["id"] != 2:
            return None
        video = client.send("GET", f"/api/v1/videos/{item['video']['uuid']}", token).json()
        assert video["state"]["id"] in (1, 2), video["state"]
        return dict(video) if video["state"]["id"] == 1 else None

    return dict(wait_for(f"import {import_id} published", done, seconds=240))


def decoded_seconds(video: dict[str, Any]) -> float:
    """The duration ffprobe reads through a published video's HLS master playlist."""
    master = video["streamingPlaylists"][0]["playlistUrl"]
    assert requests.get(master, timeout=10).status_code == 200
    probed = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", master],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return float(probed.stdout.strip())
