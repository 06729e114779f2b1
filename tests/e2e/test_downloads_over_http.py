"""Generated downloads over real HTTP against `make run`'s stack: a real clip uploaded and
transcoded, then PeerTube 6.1+'s `/download/videos/generate/` asked for its top HLS file
through the local gateway. The first request waits while the stack's transcoder builds the
MP4 (the event pump delivers the queued build), then redirects to it; ffprobe decodes what
is downloaded, picture and sound. The podcast feed's enclosure is that same MP4, and the
file's `metadataUrl` describes it without a probe on the request."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import feedparser
import pytest
import requests

from tests.e2e.harness import Client, RunningStack, make_clip, needs_ffmpeg, wait_published

pytestmark = [pytest.mark.e2e, needs_ffmpeg]


def _streams(path: Path) -> list[tuple[str, str]]:
    probed = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(path)], capture_output=True, check=True
    )
    return [(s["codec_type"], s["codec_name"]) for s in json.loads(probed.stdout)["streams"]]


def _decodes(path: Path) -> bool:
    decoded = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-map", "0", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=False,
    )
    return decoded.returncode == 0 and decoded.stderr == ""


def test_a_generated_mp4_is_downloaded_and_decodes(stack: RunningStack, tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.mp4", seconds=4)
    stack.start()
    client = Client(stack)
    client.register("alice", "alice password")
    token = str(client.login("alice", "alice password")["access_token"])
    channel_id = client.send("GET", "/api/v1/users/me", token).json()["videoChannels"][0]["id"]
    with open(clip, "rb") as handle:
        form = {"name": "Take it away", "channelId": str(channel_id), "privacy": "1"}
        files = {"videofile": ("c.mp4", handle, "video/mp4")}
        uploaded = client.send("POST", "/api/v1/videos/upload", token, data=form, files=files)
    assert uploaded.status_code == 200, uploaded.text
    video = wait_published(client, token, uploaded.json()["video"]["uuid"])
    top = video["streamingPlaylists"][0]["files"][0]
    assert top["hasAudio"] and top["hasVideo"]

    path = f"/download/videos/generate/{video['uuid']}?videoFileIds={top['id']}"
    started = time.monotonic()
    first = requests.get(f"{stack.url}{path}", allow_redirects=False, timeout=30)
    built_in = time.monotonic() - started
    assert first.status_code == 302, first.text
    assert "Take%20it%20away.mp4" in first.headers["location"] or "Take+it+away.mp4" in first.headers["location"]
    downloaded = tmp_path / "generated.mp4"
    downloaded.write_bytes(requests.get(first.headers["location"], timeout=30).content)
    assert _streams(downloaded) == [("video", "h264"), ("audio", "aac")]
    assert _decodes(downloaded)
    print(f"generated download of a {top['size']} byte file: first answer in {built_in:.1f} s")

    # The podcast feed encloses that MP4; downloading it again is a redirect at once.
    feed = feedparser.parse(stack.get(f"/feeds/podcast/videos.xml?videoChannelId={channel_id}").content)
    (enclosure,) = feed.entries[0].enclosures
    assert enclosure.href == f"http://{stack.host}{path}"
    again = requests.get(f"{stack.url}{path}", timeout=30)
    assert again.status_code == 200 and again.content == downloaded.read_bytes()

    described = requests.get(top["metadataUrl"].replace(f"http://{stack.host}", stack.url), timeout=10)
    assert described.status_code == 200, described.text
    assert {s["codec_type"] for s in described.json()["streams"]} == {"video", "audio"}

    bad = stack.get(f"/download/videos/generate/{video['uuid']}?videoFileIds=abc")
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")
    assert stack.get(f"/download/videos/generate/{video['uuid']}?videoFileIds=1").status_code == 404
