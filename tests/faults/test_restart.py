"""A new user's first hour, then a restart: what they uploaded, watched and wrote is all there.

The last wave's stack lost every video here: a 720p camera clip sent in the web client's
2 MB chunks made each snapshot fail (moto's disposed multipart parts), and the restart came
back empty. This is that path, through the same HTTP calls as the web client.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from tests.e2e.harness import Client, RunningStack, make_clip, needs_ffmpeg, put_chunk, wait_published

pytestmark = pytest.mark.e2e

CHUNK = 2 * 1024 * 1024  # what a browser sends per PUT of a resumable upload


def _resumable_upload(client: Client, token: str, channel_id: int, clip: Path) -> dict[str, object]:
    data = clip.read_bytes()
    init = client.send(
        "POST",
        "/api/v1/videos/upload-resumable",
        token,
        json={"name": "Camera clip", "channelId": channel_id, "privacy": 1, "filename": clip.name},
        headers={"X-Upload-Content-Length": str(len(data)), "X-Upload-Content-Type": "video/mp4"},
    )
    assert init.status_code == 201, init.text
    url = "http:" + init.headers["Location"]
    for start in range(0, len(data), CHUNK):
        sent = put_chunk(url, token, data, start, CHUNK)
        assert sent.status_code in (200, 308), sent.text
    assert sent.status_code == 200
    return dict(sent.json()["video"])


@needs_ffmpeg
def test_a_camera_clip_its_views_and_comments_survive_a_restart(stack: RunningStack, tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "camera.mp4", seconds=5, size="1280x720", bitrate="8M")
    assert clip.stat().st_size > 2 * CHUNK  # several chunks, as a browser sends them
    stack.start()
    client = Client(stack)
    client.register("nina", "nina password")
    token = client.login("nina", "nina password")["access_token"]
    channel_id = client.send("GET", "/api/v1/users/me", token).json()["videoChannels"][0]["id"]
    uploaded = _resumable_upload(client, token, channel_id, clip)
    video = wait_published(client, token, str(uploaded["shortUUID"]), seconds=300)
    files = video["streamingPlaylists"][0]["files"]
    assert files

    assert client.send("POST", f"/api/v1/videos/{video['id']}/comment-threads", token, json={"text": "First!"}).ok
    for position in (0, 3):  # more than half of a 5 s clip counts a view, as in PeerTube
        ping = {"currentTime": position, "sessionId": "viewer-1"}
        assert client.send("POST", f"/api/v1/videos/{video['id']}/views", json=ping).status_code == 204
    deadline = time.monotonic() + 60
    while client.send("GET", f"/api/v1/videos/{video['uuid']}").json()["views"] < 1:
        assert time.monotonic() < deadline, "the view was not counted"
        time.sleep(0.5)

    assert stack.stop() == 0, stack.log.read_text()[-3000:]
    assert "snapshot failed" not in stack.log.read_text()
    stack.start()

    listed = client.send("GET", "/api/v1/videos").json()
    assert [v["uuid"] for v in listed["data"]] == [video["uuid"]]
    again = client.send("GET", f"/api/v1/videos/{video['uuid']}").json()
    assert again["state"]["id"] == 1
    assert again["views"] == 1
    assert [f["resolution"]["id"] for f in again["streamingPlaylists"][0]["files"]] == [
        f["resolution"]["id"] for f in files
    ]
    threads = client.send("GET", f"/api/v1/videos/{video['id']}/comment-threads").json()
    assert [t["text"] for t in threads["data"]] == ["First!"]
    for file in again["streamingPlaylists"][0]["files"]:
        assert requests.get(file["playlistUrl"], timeout=10).status_code == 200
        assert requests.get(file["fileUrl"], headers={"Range": "bytes=0-1023"}, timeout=10).status_code == 206
    assert requests.get(f"{stack.url}{again['thumbnailPath']}", timeout=10).status_code == 200
