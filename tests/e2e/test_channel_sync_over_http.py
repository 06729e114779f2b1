"""A channel synchronisation under the local stack (`python -m local`), over HTTP: a loopback
"external channel" (an RSS feed yt-dlp's generic extractor lists, its items real clips on the
same server) is synchronised by the hourly check (run every few seconds here); its video is
imported and published as HLS; a second video is added to the feed, and the following checks
import that one alone. ffprobe decodes both published videos."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT_PASSWORD
from tests.e2e.harness import (
    Client,
    RunningStack,
    decoded_seconds,
    make_clip,
    needs_ffmpeg,
    wait_for,
    wait_import_published,
)


class _Channel(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path != "/feed.xml":
            super().do_GET()
            return
        directory = Path(self.directory)
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        names = sorted((path.stem for path in directory.glob("*.mp4")), reverse=True)  # newest first
        items = "".join(f"<item><title>{name}</title><link>{base}/{name}.mp4</link></item>" for name in names)
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Elsewhere</title>{items}</channel></rss>'
        encoded = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)


@pytest.fixture
def channel(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    directory = tmp_path / "elsewhere"
    directory.mkdir()
    make_clip(directory / "clip-1-morning.mp4", seconds=3)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Channel, directory=str(directory)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", directory
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def syncing_stack(tmp_path: Path) -> Iterator[RunningStack]:
    # Loopback allowed for this test only (the channel is on 127.0.0.1); the hourly check
    # every 5 seconds.
    running = RunningStack(
        tmp_path / "data", CIRRUS_FEDERATION_ALLOW_LOOPBACK="1", CIRRUS_SCHEDULE_CHANNELSYNC_SECONDS="5"
    )
    running.start()
    yield running
    if running.process is not None:
        running.stop()


@needs_ffmpeg
def test_a_synchronised_channel_imports_its_new_video_on_the_next_check(
    syncing_stack: RunningStack, channel: tuple[str, Path]
) -> None:
    base, directory = channel
    client = Client(syncing_stack)
    root = client.login("root", ROOT_PASSWORD)["access_token"]
    custom = client.send("GET", "/api/v1/config/custom", root).json()
    custom["import"]["videos"]["http"]["enabled"] = True
    custom["import"]["video_channel_synchronization"]["enabled"] = True
    assert client.send("PUT", "/api/v1/config/custom", root, json=custom).status_code == 200
    client.register("ines", "ines password")
    ines = client.login("ines", "ines password")["access_token"]
    channel_id = client.send("GET", "/api/v1/users/me", ines).json()["videoChannels"][0]["id"]

    body = {"externalChannelUrl": f"{base}/feed.xml", "videoChannelId": channel_id}
    created = client.send("POST", "/api/v1/video-channel-syncs", ines, json=body)
    assert created.status_code == 200, created.text
    sync = created.json()["videoChannelSync"]
    assert sync["state"]["id"] == 4

    def imports() -> list[dict[str, Any]]:
        return list(client.send("GET", "/api/v1/users/me/videos/imports", ines).json()["data"])

    first = wait_for("the first check's import", lambda: imports() or None, seconds=60)
    assert [item["targetUrl"] for item in first] == [f"{base}/clip-1-morning.mp4"]
    assert first[0]["videoChannelSync"]["id"] == sync["id"]
    video = wait_import_published(client, ines, first[0]["id"])
    assert video["name"] == "clip-1-morning" and video["channel"]["id"] == channel_id
    assert 2 <= decoded_seconds(video) <= 4

    def synchronised() -> dict[str, Any] | None:
        # A check runs every 5 s here: the sync is seen between two (Synchronized) or in one.
        found = client.send("GET", "/api/v1/accounts/ines/video-channel-syncs", ines).json()["data"][0]
        assert found["state"]["id"] in (1, 2), found
        return dict(found) if found["state"]["id"] == 1 else None

    assert wait_for("the sync synchronized", synchronised, seconds=60)["lastSyncAt"] is not None

    # Made aside, then moved in whole: a check never lists half a file.
    made = make_clip(directory.parent / "clip-2-evening.mp4", seconds=4)
    made.rename(directory / "clip-2-evening.mp4")
    both = wait_for("the second video's import", lambda: found if len(found := imports()) >= 2 else None, seconds=60)
    second = next(item for item in both if item["targetUrl"] == f"{base}/clip-2-evening.mp4")
    video = wait_import_published(client, ines, second["id"])
    assert 3 <= decoded_seconds(video) <= 5
    # Several checks have run since: the first video was never imported again.
    assert sorted(item["targetUrl"] for item in imports()) == [
        f"{base}/clip-1-morning.mp4",
        f"{base}/clip-2-evening.mp4",
    ]
