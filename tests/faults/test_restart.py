"""A new user's first hour, then a restart: what they uploaded, watched, wrote and streamed
is all there, with the caption, chapters and watch history they added, the feeds that list
their video, its storyboard, its statistics, and the archive of their account they asked for.

The last wave's stack lost every video here: a 720p camera clip sent in the web client's
2 MB chunks made each snapshot fail (moto's disposed multipart parts), and the restart came
back empty. This is that path, through the same HTTP calls as the web client.
"""

from __future__ import annotations

import io
import json
import subprocess
import time
import zipfile
from pathlib import Path
from typing import Any

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

    stats = _overall_stats(client, token, video)
    _caption_chapters_and_history(client, token, video)

    replay = _stream_a_live_and_wait_for_its_replay(client, token, channel_id)
    export = _export_the_account(client, token)
    storyboards = _storyboards(client, video)

    assert stack.stop() == 0, stack.log.read_text()[-3000:]
    assert "snapshot failed" not in stack.log.read_text()
    stack.start()

    listed = client.send("GET", "/api/v1/videos", params={"sort": "publishedAt"}).json()
    assert [v["uuid"] for v in listed["data"]] == [video["uuid"], replay["uuid"]]
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
    # The live's replay: published, no longer a live, its session listed, its HLS served.
    kept = client.send("GET", f"/api/v1/videos/{replay['uuid']}").json()
    assert (kept["state"]["id"], kept["isLive"]) == (1, False)
    assert requests.get(kept["streamingPlaylists"][0]["playlistUrl"], timeout=10).status_code == 200
    sessions = client.send("GET", f"/api/v1/videos/live/{replay['id']}/sessions", token).json()
    assert sessions["total"] == 1 and sessions["data"][0]["endDate"]
    _check_caption_chapters_history_and_feed(stack, client, token, video, again)
    _check_archive_storyboard_and_stats(stack, client, token, video, export, storyboards, stats)


def _check_archive_storyboard_and_stats(
    stack: RunningStack,
    client: Client,
    token: str,
    video: dict[str, Any],
    export: dict[str, Any],
    storyboards: list[dict[str, Any]],
    stats: dict[str, Any],
) -> None:
    # This session's: the account's archive, still listed and downloadable, and the storyboard.
    (kept_export,) = client.send("GET", f"/api/v1/users/{export['userId']}/exports", token).json()["data"]
    assert (kept_export["id"], kept_export["state"]["id"], kept_export["size"]) == (export["id"], 3, export["size"])
    archive = requests.get(kept_export["privateDownloadUrl"], timeout=30)
    assert archive.status_code == 200 and len(archive.content) == export["size"]
    assert "peertube/videos.json" in zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert _storyboards(client, video) == storyboards
    assert requests.get(f"{stack.url}{storyboards[0]['storyboardPath']}", timeout=10).status_code == 200
    # The video's statistics, aggregated from the view pings before the stop.
    assert client.send("GET", f"/api/v1/videos/{video['id']}/stats/overall", token).json() == stats


def _overall_stats(client: Client, token: str, video: dict[str, Any]) -> dict[str, Any]:
    """The video's overall statistics once the viewer's pings are aggregated (waited for)."""
    deadline = time.monotonic() + 60
    while True:
        found: dict[str, Any] = client.send("GET", f"/api/v1/videos/{video['id']}/stats/overall", token).json()
        if found["totalViewers"] >= 1 and found["totalWatchTime"] > 0:
            return found
        assert time.monotonic() < deadline, f"no statistics: {found}"
        time.sleep(0.5)


def _caption_chapters_and_history(client: Client, token: str, video: dict[str, Any]) -> None:
    """What this wave added around a video: a caption, chapters, and the owner's history."""
    srt = b"1\r\n00:00:00,500 --> 00:00:02,000\r\nBonjour\r\n\r\n"
    caption = client.send(
        "PUT", f"/api/v1/videos/{video['id']}/captions/fr", token, files={"captionfile": ("fr.srt", srt, "text/plain")}
    )
    assert caption.status_code == 204, caption.text
    chapters = {"chapters": [{"timecode": 0, "title": "Start"}, {"timecode": 3, "title": "End"}]}
    assert client.send("PUT", f"/api/v1/videos/{video['id']}/chapters", token, json=chapters).status_code == 204
    watched = {"currentTime": 2, "sessionId": "nina-1", "viewEvent": "seek"}
    assert client.send("POST", f"/api/v1/videos/{video['id']}/views", token, json=watched).status_code == 204


def _check_caption_chapters_history_and_feed(
    stack: RunningStack, client: Client, token: str, video: dict[str, Any], again: dict[str, Any]
) -> None:
    """The caption (in the master playlist, its file served), the chapters, the history, a feed."""
    (kept_caption,) = client.send("GET", f"/api/v1/videos/{video['id']}/captions").json()["data"]
    assert kept_caption["language"]["id"] == "fr"
    assert "Bonjour" in requests.get(kept_caption["fileUrl"], timeout=10).text
    assert "TYPE=SUBTITLES" in requests.get(again["streamingPlaylists"][0]["playlistUrl"], timeout=10).text
    kept_chapters = client.send("GET", f"/api/v1/videos/{video['id']}/chapters").json()["chapters"]
    assert [c["title"] for c in kept_chapters] == ["Start", "End"]
    history = client.send("GET", "/api/v1/users/me/history/videos", token).json()
    assert [v["uuid"] for v in history["data"]] == [video["uuid"]]
    assert client.send("GET", f"/api/v1/videos/{video['uuid']}", token).json()["userHistory"] == {"currentTime": 2}
    feed = requests.get(f"{stack.url}/feeds/videos.json", timeout=10).json()
    assert video["uuid"] in json.dumps(feed)


def _export_the_account(client: Client, token: str) -> dict[str, Any]:
    """An archive of the account (without its video files), once the work queue made it."""
    user_id = client.send("GET", "/api/v1/users/me", token).json()["id"]
    exports = f"/api/v1/users/{user_id}/exports"
    assert client.send("POST", f"{exports}/request", token, json={"withVideoFiles": False}).status_code == 200
    deadline = time.monotonic() + 120
    while True:
        (export,) = client.send("GET", exports, token).json()["data"]
        if export["state"]["id"] == 3:
            return {**export, "userId": user_id}
        assert export["state"]["id"] in (1, 2) and time.monotonic() < deadline, export
        time.sleep(0.5)


def _storyboards(client: Client, video: dict[str, Any]) -> list[dict[str, Any]]:
    """The video's storyboard, drawn after publication (waited for)."""
    deadline = time.monotonic() + 120
    while True:
        found = client.send("GET", f"/api/v1/videos/{video['uuid']}/storyboards").json()["storyboards"]
        if found:
            return list(found)
        assert time.monotonic() < deadline, "no storyboard"
        time.sleep(0.5)


def _stream_a_live_and_wait_for_its_replay(client: Client, token: str, channel_id: int) -> dict[str, object]:
    """A live made through the API, 8 s pushed by ffmpeg as an encoder would, and its replay."""
    body = {"channelId": channel_id, "name": "First live", "privacy": 1, "saveReplay": True}
    created = client.send("POST", "/api/v1/videos/live", token, json=body)
    assert created.status_code == 200, created.text
    video = created.json()["video"]
    live = client.send("GET", f"/api/v1/videos/live/{video['id']}", token).json()
    encoder = subprocess.run(
        ["ffmpeg", "-v", "error", "-re", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=30",
         "-f", "lavfi", "-i", "sine", "-t", "8", "-c:v", "libx264", "-preset", "veryfast", "-g", "30",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "flv", f"{live['rtmpUrl']}/{live['streamKey']}"],
        timeout=60, check=False,
    )  # fmt: skip
    assert encoder.returncode == 0
    deadline = time.monotonic() + 240
    while True:
        found = client.send("GET", f"/api/v1/videos/{video['uuid']}").json()
        if found["state"]["id"] == 1 and not found["isLive"]:
            return dict(found)
        assert time.monotonic() < deadline, f"the replay was not published: {found['state']}"
        time.sleep(1)
