"""Replacing a transcoded video's file over real HTTP against `make run`'s stack: a 4 s clip
uploaded and transcoded, then replaced with a 7 s clip through PeerTube's
`/api/v1/videos/{id}/source/replace-resumable` in chunks. The video is transcoded again:
ffprobe reads the new duration from the new HLS file, and the old segments are gone."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import ROOT_PASSWORD
from tests.e2e.harness import Client, RunningStack, make_clip, needs_ffmpeg, put_chunk, wait_published

pytestmark = [pytest.mark.e2e, needs_ffmpeg]


def _duration(path: Path) -> float:
    probed = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-of", "json", str(path)], capture_output=True, check=True
    )
    return float(json.loads(probed.stdout)["format"]["duration"])


def _local(stack: RunningStack, url: str) -> str:
    return url.replace(f"http://{stack.host}", stack.url)


def _top_file(video: dict[str, Any]) -> dict[str, Any]:
    return dict(video["streamingPlaylists"][0]["files"][0])


def test_a_replaced_file_is_transcoded_and_the_old_segments_go(stack: RunningStack, tmp_path: Path) -> None:
    first_clip = make_clip(tmp_path / "first.mp4", seconds=4)
    second_clip = make_clip(tmp_path / "second.mp4", seconds=7, size="480x270")
    stack.start()
    client = Client(stack)
    root = str(client.login("root", ROOT_PASSWORD)["access_token"])
    custom = client.send("GET", "/api/v1/config/custom", root).json()
    custom["videoFile"]["update"]["enabled"] = True
    assert client.send("PUT", "/api/v1/config/custom", root, json=custom).status_code == 200
    channel_id = client.send("GET", "/api/v1/users/me", root).json()["videoChannels"][0]["id"]
    with open(first_clip, "rb") as handle:
        form = {"name": "Recut", "channelId": str(channel_id), "privacy": "1"}
        files = {"videofile": ("first.mp4", handle, "video/mp4")}
        uploaded = client.send("POST", "/api/v1/videos/upload", root, data=form, files=files)
    assert uploaded.status_code == 200, uploaded.text
    uuid = uploaded.json()["video"]["uuid"]
    before = wait_published(client, root, uuid)
    old_file = _top_file(before)
    old_urls = [old_file["fileUrl"], before["streamingPlaylists"][0]["playlistUrl"]]
    assert all(requests.get(_local(stack, url), timeout=10).status_code == 200 for url in old_urls)
    assert before["duration"] == 4

    data = second_clip.read_bytes()
    started = client.send(
        "POST",
        f"/api/v1/videos/{uuid}/source/replace-resumable",
        root,
        json={"filename": "second.mp4"},
        headers={"X-Upload-Content-Length": str(len(data)), "X-Upload-Content-Type": "video/mp4"},
    )
    assert started.status_code == 201, started.text
    location = f"{stack.url}/{started.headers['location'].split('//', 1)[1].split('/', 1)[1]}"
    half = len(data) // 2
    assert put_chunk(location, root, data, 0, half).status_code == 308
    # Still the old files until the last byte.
    assert client.send("GET", f"/api/v1/videos/{uuid}", root).json()["state"]["id"] == 1
    done = put_chunk(location, root, data, half, len(data) - half)
    assert done.status_code == 200, done.text
    assert done.json()["inputFilename"] == "second.mp4"

    after = wait_published(client, root, uuid)
    assert after["duration"] == 7 and after["inputFileUpdatedAt"] is not None
    new_file = _top_file(after)
    assert new_file["fileUrl"] != old_file["fileUrl"]
    downloaded = tmp_path / "new.mp4"
    downloaded.write_bytes(requests.get(_local(stack, new_file["fileUrl"]), timeout=30).content)
    assert abs(_duration(downloaded) - 7) < 0.5
    assert new_file["resolution"]["id"] == 270
    for url in old_urls:
        assert requests.get(_local(stack, url), timeout=10).status_code in (403, 404), url
    source = client.send("GET", f"/api/v1/videos/{uuid}/source", root).json()
    assert source["inputFilename"] == "second.mp4"
