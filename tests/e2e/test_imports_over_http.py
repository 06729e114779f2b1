"""A video import under the local stack (`python -m local`), over HTTP: a real clip served
by a loopback HTTP server is imported through yt-dlp's generic extractor, published as HLS
by the transcoding pipeline, and its owner is told; a redirect into a private address is
refused with PeerTube's failed state and its reason; the stack is then stopped and started
again, and the imports, the video, its HLS and its owner's quota are all still there."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import ROOT_PASSWORD
from tests.e2e.harness import Client, RunningStack, all_renditions_in, make_clip, needs_ffmpeg, wait_for


class _Files(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/elsewhere":
            self.send_response(302)
            self.send_header("Location", "http://192.168.77.1/clip.mp4")
            self.end_headers()
            return
        super().do_GET()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    directory = tmp_path / "served"
    directory.mkdir()
    make_clip(directory / "clip.mp4", seconds=4)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Files, directory=str(directory)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def importing_stack(tmp_path: Path) -> Iterator[RunningStack]:
    # Loopback allowed for this test only: the clip is served from 127.0.0.1.
    running = RunningStack(tmp_path / "data", CIRRUS_FEDERATION_ALLOW_LOOPBACK="1")
    running.start()
    yield running
    if running.process is not None:
        running.stop()


def _import(client: Client, token: str, channel_id: int, url: str) -> dict[str, Any]:
    body = {"targetUrl": url, "channelId": channel_id, "privacy": 1}
    response = client.send("POST", "/api/v1/videos/imports", token, json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _ended(client: Client, token: str, import_id: int) -> dict[str, Any]:
    def ended() -> dict[str, Any] | None:
        found = client.send("GET", "/api/v1/users/me/videos/imports", token).json()["data"]
        mine = next(item for item in found if item["id"] == import_id)
        return mine if mine["state"]["id"] not in (1, 6) else None

    return dict(wait_for(f"import {import_id} to end", ended, seconds=120))


@needs_ffmpeg
def test_a_clip_imported_by_url_is_published_with_hls(importing_stack: RunningStack, served: str) -> None:
    client = Client(importing_stack)
    root = client.login("root", ROOT_PASSWORD)["access_token"]
    custom = client.send("GET", "/api/v1/config/custom", root).json()
    custom["import"]["videos"]["http"]["enabled"] = True
    assert client.send("PUT", "/api/v1/config/custom", root, json=custom).status_code == 200
    client.register("ida", "ida password")
    ida = client.login("ida", "ida password")["access_token"]
    channel_id = client.send("GET", "/api/v1/users/me", ida).json()["videoChannels"][0]["id"]

    started = _import(client, ida, channel_id, f"{served}/clip.mp4")
    assert started["state"]["id"] == 1 and started["video"]["state"]["id"] == 3
    done = _ended(client, ida, started["id"])
    assert done["state"] == {"id": 2, "label": "Success"}, done
    uuid = done["video"]["uuid"]

    def published() -> dict[str, Any] | None:
        video = client.send("GET", f"/api/v1/videos/{uuid}", ida).json()
        assert video["state"]["id"] in (1, 2), video["state"]
        return dict(video) if video["state"]["id"] == 1 else None

    video = wait_for("the imported video's publication", published, seconds=180)
    assert video["name"] == "clip" and 3 <= video["duration"] <= 5
    playlist_url = video["streamingPlaylists"][0]["playlistUrl"]
    master = requests.get(playlist_url, timeout=10)
    assert master.status_code == 200 and "#EXT-X-STREAM-INF" in master.text
    kinds = [n["type"] for n in client.send("GET", "/api/v1/users/me/notifications", ida).json()["data"]]
    assert 7 in kinds  # MY_VIDEO_IMPORT_SUCCESS

    refused = _import(client, ida, channel_id, f"{served}/elsewhere")
    failed = _ended(client, ida, refused["id"])
    assert failed["state"] == {"id": 3, "label": "Failed"}
    assert "refused address 192.168.77.1 (private)" in failed["error"]
    assert failed["video"]["state"]["id"] == 12

    # Stopped and started again: the import, its video, its HLS and the quota it counts are kept
    # (the quota was reserved during the download and became the video's at publication).
    wait_for("every rendition", lambda: all_renditions_in(client.send("GET", f"/api/v1/videos/{uuid}", ida).json()))
    whole = requests.get(playlist_url, timeout=10).text
    used = client.send("GET", "/api/v1/users/me/video-quota-used", ida).json()["videoQuotaUsed"]
    assert used > 0
    importing_stack.stop()
    importing_stack.start()
    ida = client.login("ida", "ida password")["access_token"]
    imports = client.send("GET", "/api/v1/users/me/videos/imports", ida).json()["data"]
    assert {i["id"]: i["state"]["id"] for i in imports} == {started["id"]: 2, refused["id"]: 3}
    again = client.send("GET", f"/api/v1/videos/{uuid}", ida).json()
    assert again["state"]["id"] == 1 and again["duration"] == video["duration"]
    assert requests.get(again["streamingPlaylists"][0]["playlistUrl"], timeout=10).text == whole
    assert client.send("GET", "/api/v1/users/me/video-quota-used", ida).json()["videoQuotaUsed"] == used
