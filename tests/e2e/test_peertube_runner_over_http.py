"""PeerTube's own runner (`peertube-runner`, PeerTube's CLI, unchanged) against the local
stack: registered with PeerTube's commands, told of jobs over socket.io `/runners`, it takes
every rendition of an upload as PeerTube's `vod-hls-transcoding` jobs, and the video
publishes with valid HLS and segment hashes (docs/runners.md).

The runner is not run from this repository: it is found as the npm package
`@peertube/peertube-runner` in tests/tools, or at the path in `CIRRUS_PEERTUBE_RUNNER` (its
`dist/peertube-runner.js`). Without it the test is skipped, saying so.
"""

from __future__ import annotations

import copy
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, ROOT_PASSWORD
from tests.e2e.harness import Client, RunningStack, make_clip, needs_ffmpeg, wait_published
from tests.e2e.test_local_stack import _check_playable

INSTALLED = ROOT / "tests" / "tools" / "node_modules" / "@peertube" / "peertube-runner" / "dist" / "peertube-runner.js"
RUNNER_ID = "cirrus-e2e"


def _runner_script() -> Path | None:
    named = os.environ.get("CIRRUS_PEERTUBE_RUNNER")
    found = Path(named) if named else INSTALLED
    return found if found.is_file() else None


needs_peertube_runner = pytest.mark.skipif(
    _runner_script() is None or shutil.which("node") is None,
    reason="PeerTube's runner is not installed: the npm package @peertube/peertube-runner in tests/tools "
    "(npm could not fetch it here), or CIRRUS_PEERTUBE_RUNNER naming its dist/peertube-runner.js; and node",
)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[RunningStack]:
    running = RunningStack(tmp_path / "data")
    yield running
    if running.process is not None:
        running.stop(signal.SIGKILL)


def _runner_env(tmp_path: Path) -> dict[str, str]:
    """The runner keeps its configuration, IPC socket and work files under the XDG folders
    (env-paths): the test's own."""
    home = tmp_path / "runner-home"
    return {
        **os.environ,
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_STATE_HOME": str(home / "state"),
    }


def _runner(tmp_path: Path, *args: str) -> list[str]:
    return ["node", str(_runner_script()), "--id", RUNNER_ID, *args]


def _wait(condition: Any, seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen in {seconds}s")


def _register(tmp_path: Path, url: str, registration: str) -> None:
    """PeerTube's `peertube-runner register`, which asks the running server over its IPC
    socket; tried again while that socket is not there yet."""

    def registered() -> bool:
        done = subprocess.run(
            _runner(tmp_path, "register", "--url", url, "--registration-token", registration, "--runner-name", "real"),
            env=_runner_env(tmp_path), capture_output=True, timeout=60, check=False,
        )  # fmt: skip
        return done.returncode == 0

    _wait(registered, 60, "peertube-runner register")


@needs_ffmpeg
@needs_peertube_runner
def test_peertube_runner_transcodes_every_rendition(stack: RunningStack, tmp_path: Path) -> None:
    stack.start()
    client = Client(stack)
    root = client.login("root", ROOT_PASSWORD)["access_token"]
    custom = client.send("GET", "/api/v1/config/custom", root).json()
    changed = copy.deepcopy(custom)
    changed["transcoding"]["remoteRunners"] = {"enabled": True}  # PeerTube's field only: whole renditions
    assert client.send("PUT", "/api/v1/config/custom", root, json=changed).status_code == 200
    assert client.send("POST", "/api/v1/runners/registration-tokens/generate", root).status_code == 204
    tokens = client.send("GET", "/api/v1/runners/registration-tokens", root).json()["data"]
    registration = tokens[0]["registrationToken"]

    log_path = tmp_path / "peertube-runner.log"
    with open(log_path, "ab") as log:
        server = subprocess.Popen(_runner(tmp_path, "server"), env=_runner_env(tmp_path), stdout=log, stderr=log)
    try:
        _register(tmp_path, stack.url, registration)
        # Idle and connected before the upload: it can only learn of the jobs from the socket.
        _wait(lambda: "Connected to" in log_path.read_text(), 30, "the runner's socket.io connection")

        channel_id = client.send("GET", "/api/v1/users/me", root).json()["videoChannels"][0]["id"]
        clip = make_clip(tmp_path / "clip.mp4", seconds=3, size="426x240")
        with open(clip, "rb") as handle:
            uploaded = client.send(
                "POST", "/api/v1/videos/upload", root,
                data={"name": "PeerTube's runner", "channelId": str(channel_id), "privacy": "1"},
                files={"videofile": ("clip.mp4", handle, "video/mp4")},
            )  # fmt: skip
        assert uploaded.status_code == 200, uploaded.text
        video = wait_published(client, root, uploaded.json()["video"]["uuid"], seconds=180)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    jobs = client.send("GET", "/api/v1/runners/jobs?count=100", root).json()["data"]
    assert sorted(j["payload"]["output"]["resolution"] for j in jobs) == [144, 240]
    for job in jobs:
        assert (job["type"], job["state"]["id"], job["runner"]["name"]) == ("vod-hls-transcoding", 3, "real")
        assert "cirrusChunk" not in job["payload"]["output"]
    assert [f["resolution"]["id"] for f in video["streamingPlaylists"][0]["files"]] == [240, 144]
    _check_playable(stack, video, frames=3 * 25)
    runners = client.send("GET", "/api/v1/runners", root).json()["data"]
    assert [r["name"] for r in runners] == ["real"]
