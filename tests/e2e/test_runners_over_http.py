"""Remote runners on the whole local stack: transcoding given to runners, a runner (the
client of tools/runner, a process of its own) takes the chunk jobs, one is killed mid-job,
its job goes back to pending after the stall time, and a second runner finishes the video,
which publishes with valid HLS and segment hashes. Also: whole renditions over 10 MB sent as
PeerTube's runner sends them, through their upload URLs; a storyboard drawn by a runner; the
Lambda fallback with no runner online."""

from __future__ import annotations

import copy
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, ROOT_PASSWORD
from tests.e2e.harness import Client, RunningStack, make_clip, needs_ffmpeg, wait_published
from tests.e2e.test_local_stack import _check_playable

JOBS = "/api/v1/runners/jobs"


@pytest.fixture
def quick_stalls(tmp_path: Path) -> Iterator[RunningStack]:
    """A stack whose runner jobs stall after 3 s, swept every second."""
    running = RunningStack(tmp_path / "data", CIRRUS_RUNNER_STALL_SECONDS="3", CIRRUS_SCHEDULE_RUNNERS_SECONDS="1")
    yield running
    if running.process is not None:
        running.stop(signal.SIGKILL)


@pytest.fixture
def patient(tmp_path: Path) -> Iterator[RunningStack]:
    """A stack whose runner jobs stall after PeerTube's 2 minutes: for a runner that, like
    PeerTube's during an encode, may send no update for longer than a quick stall allows."""
    running = RunningStack(tmp_path / "data")
    yield running
    if running.process is not None:
        running.stop(signal.SIGKILL)


def _enable_runners(client: Client, root: str, **extra: Any) -> None:
    custom = client.send("GET", "/api/v1/config/custom", root).json()
    changed = copy.deepcopy(custom)
    changed["transcoding"]["remoteRunners"] = {"enabled": True, "cirrusChunks": True, **extra}
    assert client.send("PUT", "/api/v1/config/custom", root, json=changed).status_code == 200


def _upload(client: Client, root: str, clip: Path) -> str:
    channel_id = client.send("GET", "/api/v1/users/me", root).json()["videoChannels"][0]["id"]
    with open(clip, "rb") as handle:
        uploaded = client.send(
            "POST", "/api/v1/videos/upload", root,
            data={"name": "Runners' video", "channelId": str(channel_id), "privacy": "1"},
            files={"videofile": ("clip.mp4", handle, "video/mp4")},
        )  # fmt: skip
    assert uploaded.status_code == 200, uploaded.text
    return str(uploaded.json()["video"]["uuid"])


def _start_runner(stack: RunningStack, tmp_path: Path, name: str, registration: str) -> subprocess.Popen[bytes]:
    log = open(tmp_path / f"runner-{name}.log", "ab")  # noqa: SIM115 (the process keeps it)
    return subprocess.Popen(
        [sys.executable, "-m", "tools.runner", "--url", stack.url, "--registration-token", registration,
         "--name", name, "--state", str(tmp_path / f"{name}.json"), "--poll-every", "0.3", "--update-every", "1"],
        cwd=ROOT, stdout=log, stderr=log,
    )  # fmt: skip


def _jobs(client: Client, root: str) -> list[dict[str, Any]]:
    answer = client.send("GET", f"{JOBS}?count=100", root)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["data"])


def _wait(condition: Any, seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen in {seconds}s")


@needs_ffmpeg
def test_runners_transcode_a_video_and_a_killed_runners_job_goes_to_another(
    quick_stalls: RunningStack, tmp_path: Path
) -> None:
    stack = quick_stalls
    stack.start()
    client = Client(stack)
    root = client.login("root", ROOT_PASSWORD)["access_token"]
    _enable_runners(client, root)
    assert client.send("POST", "/api/v1/runners/registration-tokens/generate", root).status_code == 204
    registration = client.send("GET", "/api/v1/runners/registration-tokens", root).json()["data"][0][
        "registrationToken"
    ]

    video_uuid = _upload(client, root, make_clip(tmp_path / "clip.mp4", seconds=8, size="1280x720"))
    jobs = _wait(lambda: len(_jobs(client, root)) >= 5 and _jobs(client, root), 60, "the chunk jobs")
    assert {j["type"] for j in jobs} == {"vod-hls-transcoding"}
    assert {j["privatePayload"]["videoUUID"] for j in jobs} == {video_uuid}

    first = _start_runner(stack, tmp_path, "one", registration)
    try:
        taken = _wait(
            lambda: next((j for j in _jobs(client, root) if j["state"]["id"] == 2), None), 60, "a job taken by one"
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    assert taken["runner"]["name"] == "one"
    back = _wait(
        lambda: next((j for j in _jobs(client, root) if j["uuid"] == taken["uuid"] and j["state"]["id"] == 1), None),
        30,
        "the killed runner's job back to pending",
    )
    assert back["runner"] is None

    second = _start_runner(stack, tmp_path, "two", registration)
    try:
        video = wait_published(client, root, video_uuid, seconds=240)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)

    finished = {j["uuid"]: j for j in _jobs(client, root)}
    assert {j["state"]["id"] for j in finished.values()} == {3}
    # Every result came through its upload URL at the first try (a stall is not a failure).
    assert [j["failures"] for j in finished.values()] == [0] * len(finished)
    assert finished[taken["uuid"]]["runner"]["name"] == "two"
    assert [f["resolution"]["id"] for f in video["streamingPlaylists"][0]["files"]] == [720, 480, 360, 240, 144]
    _check_playable(stack, video, frames=8 * 25)
    runners = client.send("GET", "/api/v1/runners", root).json()
    assert sorted(r["name"] for r in runners["data"]) == ["one", "two"]


@needs_ffmpeg
def test_with_a_lambda_fallback_a_video_publishes_with_no_runner_online(
    quick_stalls: RunningStack, tmp_path: Path
) -> None:
    stack = quick_stalls
    stack.start()
    client = Client(stack)
    root = client.login("root", ROOT_PASSWORD)["access_token"]
    _enable_runners(client, root, lambdaFallbackSeconds=2)
    video_uuid = _upload(client, root, make_clip(tmp_path / "clip.mp4"))

    video = wait_published(client, root, video_uuid, seconds=180)
    jobs = _jobs(client, root)
    assert jobs and {j["state"]["id"] for j in jobs} == {6}
    assert all("No runner took it within 2 seconds" in j["error"] for j in jobs)
    _check_playable(stack, video, frames=6 * 25)


def _encode_rendition(source: str, resolution: int, fps: int, workdir: Path) -> tuple[Path, Path]:
    """What PeerTube's runner makes of a `vod-hls-transcoding` job: the rendition as one
    fragmented MP4 (its init section first) and its byte-range playlist. Lossless and noisy,
    so that a few seconds weigh more than API Gateway's 10 MB."""
    playlist = workdir / f"{resolution}.m3u8"
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", source,
         "-vf", f"scale=-2:{resolution},noise=alls=100:allf=t", "-r", str(fps),
         "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p", "-c:a", "aac",
         "-f", "hls", "-hls_segment_type", "fmp4", "-hls_flags", "single_file", "-hls_playlist_type", "vod",
         "-hls_time", "4", str(playlist)],
        check=True, timeout=120,
    )  # fmt: skip
    return workdir / f"{resolution}.m4s", playlist


def _run_like_peertube_runner(stack: RunningStack, runner: str, job: dict[str, Any], workdir: Path) -> int:
    """One whole-rendition job as PeerTube's runner (7.1 and later) does it over HTTP: the
    input through the job's route, each file PUT to its custom upload URL as multipart/form-data
    (a `file` part), then `success` without files. The size of the video file it sent."""
    import requests

    tokens = {"runnerToken": runner, "jobToken": job["jobToken"]}
    payload = job["payload"]
    got = requests.post(payload["input"]["videoFileUrl"], json=tokens, timeout=60)  # follows the redirect to S3
    assert got.status_code == 200, got.text
    source = workdir / f"input-{job['uuid']}.mp4"
    source.write_bytes(got.content)
    output = payload["output"]
    video, playlist = _encode_rendition(str(source), int(output["resolution"]), int(output["fps"]), workdir)
    for field, path in (("videoFile", video), ("resolutionPlaylistFile", playlist)):
        upload = output[f"{field}CustomUpload"]
        with open(path, "rb") as opened:
            put = requests.request(upload["method"], upload["url"], files={"file": (path.name, opened)}, timeout=120)
        assert put.status_code == 200, put.text
    form = {name: (None, value) for name, value in tokens.items()}
    done = requests.post(f"{stack.url}{JOBS}/{job['uuid']}/success", files=form, timeout=60)
    assert done.status_code == 204, done.text
    return video.stat().st_size


@needs_ffmpeg
def test_whole_renditions_larger_than_the_gateway_allows_come_through_their_upload_urls(
    patient: RunningStack, tmp_path: Path
) -> None:
    """PeerTube's job shape (a rendition per job, `cirrusChunks` off) with results over 10 MB:
    they go to S3, never through the gateway, and the video publishes with valid HLS. (The
    local S3, moto, keeps a form PUT's file part where S3 keeps the whole body; reading S3's
    form framing is tests/integration/test_runners.py's.)"""
    import requests

    stack = patient  # a lossless encode and its upload, under load, outlast a quick stall
    stack.start()
    client = Client(stack)
    root = client.login("root", ROOT_PASSWORD)["access_token"]
    _enable_runners(client, root, cirrusChunks=False)
    assert client.send("POST", "/api/v1/runners/registration-tokens/generate", root).status_code == 204
    registration = client.send("GET", "/api/v1/runners/registration-tokens", root).json()["data"][0]
    body = {"registrationToken": registration["registrationToken"], "name": "peertube-like"}
    runner = client.send("POST", "/api/v1/runners/register", json=body).json()["runnerToken"]

    video_uuid = _upload(client, root, make_clip(tmp_path / "clip.mp4", seconds=6))
    offered = _wait(
        lambda: requests.post(f"{stack.url}{JOBS}/request", json={"runnerToken": runner}, timeout=10).json()[
            "availableJobs"
        ],
        60,
        "the rendition jobs",
    )
    sizes = []
    for job in offered:
        accepted = requests.post(f"{stack.url}{JOBS}/{job['uuid']}/accept", json={"runnerToken": runner}, timeout=10)
        assert accepted.status_code == 200, accepted.text
        sizes.append(_run_like_peertube_runner(stack, runner, accepted.json()["job"], tmp_path))
    assert max(sizes) > 10 * 1024 * 1024  # API Gateway would have refused it in the body

    video = wait_published(client, root, video_uuid, seconds=180)
    finished = _jobs(client, root)
    assert {j["state"]["id"] for j in finished} == {3} and [j["failures"] for j in finished] == [0] * len(finished)
    _check_playable(stack, video, frames=6 * 25)


@needs_ffmpeg
def test_a_runner_draws_a_published_videos_storyboard(quick_stalls: RunningStack, tmp_path: Path) -> None:
    """With storyboards given to runners, a process of tools/runner draws the sheet (its input
    by the job's route, its JPEG to the upload URL) and the video lists it."""
    import requests

    stack = quick_stalls
    stack.start()
    client = Client(stack)
    root = client.login("root", ROOT_PASSWORD)["access_token"]
    custom = copy.deepcopy(client.send("GET", "/api/v1/config/custom", root).json())
    custom["storyboard"]["remoteRunners"] = {"enabled": True}
    assert client.send("PUT", "/api/v1/config/custom", root, json=custom).status_code == 200
    video_uuid = _upload(client, root, make_clip(tmp_path / "clip.mp4", seconds=6))
    wait_published(client, root, video_uuid, seconds=180)
    (job,) = _wait(lambda: _jobs(client, root), 60, "the storyboard job")
    assert job["type"] == "generate-video-storyboard" and job["state"]["id"] == 1

    assert client.send("POST", "/api/v1/runners/registration-tokens/generate", root).status_code == 204
    registration = client.send("GET", "/api/v1/runners/registration-tokens", root).json()["data"][0]
    runner = _start_runner(stack, tmp_path, "drawer", registration["registrationToken"])
    try:
        listed = _wait(
            lambda: client.send("GET", f"/api/v1/videos/{video_uuid}/storyboards").json()["storyboards"],
            90,
            "the storyboard drawn by the runner",
        )
    finally:
        runner.send_signal(signal.SIGTERM)
        runner.wait(timeout=30)
    (entry,) = listed
    # 6 s of 320x180: one 192x108 tile a second, one row of six.
    assert (entry["spriteWidth"], entry["spriteHeight"], entry["spriteDuration"]) == (192, 108, 1)
    assert (entry["totalWidth"], entry["totalHeight"]) == (6 * 192, 108)
    sheet = requests.get(entry["fileUrl"], timeout=10)
    assert sheet.status_code == 200 and sheet.content.startswith(b"\xff\xd8\xff")
    (done,) = _jobs(client, root)
    assert done["state"]["id"] == 3 and done["runner"]["name"] == "drawer"
