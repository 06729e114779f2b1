"""`make run`'s stack, driven over real HTTP: it serves, stops, restarts and keeps its data."""

from __future__ import annotations

import hashlib
import signal
import time
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from tests.conftest import ROOT
from tests.e2e.harness import Client, RunningStack, make_clip, needs_ffmpeg, put_chunk, wait_published
from tests.openapi import ACTOR_NULLS, SERVER_CONFIG_DEVIATIONS, USER_NULLS, VIDEO_NULLS, assert_conforms

pytestmark = pytest.mark.e2e


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
    assert_conforms("ServerConfig", config.json(), known_deviations=SERVER_CONFIG_DEVIATIONS)
    assert stack.get("/api/v1/nope").headers["content-type"].startswith("application/problem+json")

    client = Client(stack)
    client.register("alice", "alice password")
    _aws(stack, "s3").put_object(Bucket="cirrus-media", Key="static/e2e.txt", Body=b"kept across restarts")
    sqs = _aws(stack, "sqs")
    queue = sqs.get_queue_url(QueueName="cirrus-deliver-dlq")["QueueUrl"]  # no consumer reads it
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


def _wait_views(client: Client, token: str, uuid: str, views: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while client.send("GET", f"/api/v1/videos/{uuid}", token).json()["views"] < views:
        assert time.monotonic() < deadline, f"the view of {uuid} was not counted in {seconds}s"
        time.sleep(0.5)


def _restart_keeps_what_was_done(stack: RunningStack, client: Client, token: str, uploaded: tuple[Any, ...]) -> str:
    resumed = uploaded[-1]
    # What a user did is all there after the instance restarts: each upload path's video,
    # playable, with its views and comments (the last wave lost resumable uploads here).
    comment = client.send("POST", f"/api/v1/videos/{resumed['id']}/comment-threads", token, json={"text": "Kept?"})
    assert comment.status_code == 200, comment.text
    for position in (0, 4):  # more than half of a 6 s video, as PeerTube counts a view
        ping = {"currentTime": position, "sessionId": "e2e-viewer"}
        assert client.send("POST", f"/api/v1/videos/{resumed['id']}/views", json=ping).status_code == 204
    _wait_views(client, token, resumed["shortUUID"], 1)
    assert stack.stop() == 0
    assert "snapshot failed" not in stack.log.read_text()
    stack.start()
    token = client.login("vera", "vera password")["access_token"]
    for created in uploaded:
        video = client.send("GET", f"/api/v1/videos/{created['shortUUID']}", token).json()
        assert video["state"]["id"] == 1
        _check_playable(stack, video, frames=6 * 25)
    assert client.send("GET", f"/api/v1/videos/{resumed['shortUUID']}", token).json()["views"] == 1
    threads = client.send("GET", f"/api/v1/videos/{resumed['id']}/comment-threads").json()
    assert [t["text"] for t in threads["data"]] == ["Kept?"]
    assert client.send("GET", "/api/v1/videos").json()["total"] == 3
    return token


@needs_ffmpeg
def test_uploads_become_playable_hls(stack: RunningStack, tmp_path: Path) -> None:
    stack.start()
    client = Client(stack)
    client.register("vera", "vera password")
    token = client.login("vera", "vera password")["access_token"]
    channel_id = client.send("GET", "/api/v1/users/me", token).json()["videoChannels"][0]["id"]
    clip = make_clip(tmp_path / "clip.mp4")

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
        sent = put_chunk(chunk_url, token, data, start, step)
        assert sent.status_code == (200 if start + step >= len(data) else 308), sent.text
    resumed = sent.json()["video"]

    uploaded = (legacy.json()["video"], started.json()["video"], resumed)
    for created in uploaded:
        video = wait_published(client, token, created["shortUUID"])
        assert_conforms("VideoDetails", video, known_deviations=VIDEO_NULLS)
        assert [f["resolution"]["id"] for f in video["streamingPlaylists"][0]["files"]] == [180, 144]
        _check_playable(stack, video, frames=6 * 25)

    token = _restart_keeps_what_was_done(stack, client, token, uploaded)

    deleted = client.send("DELETE", f"/api/v1/videos/{direct_id}", token)
    assert deleted.status_code == 204
    assert client.send("GET", f"/api/v1/videos/{direct_id}", token).status_code == 404
