"""Channel synchronisation (PeerTube's /video-channel-syncs and /video-channels/{name}/import-videos)
over moto and a loopback feed: the routes' answers and refusals (nothing stored on a refusal),
and the work task listing the feed through the address policy, starting one URL import per
video the channel lacks (10 per hourly check), and leaving PeerTube's sync states."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from chalicelib.config import get_settings
from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD
from tests.queue_runner import drain

SYNCS = "/api/v1/video-channel-syncs"
MINE = "/api/v1/users/me/videos/imports"


class _Feed(BaseHTTPRequestHandler):
    """An RSS feed whose items are the server's `videos` (yt-dlp's generic extractor lists it)."""

    videos: ClassVar[list[str]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/to-private":
            self.send_response(302)
            self.send_header("Location", "http://10.0.0.1/feed.xml")
            self.end_headers()
            return
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        items = "".join(f"<item><title>{name}</title><link>{base}/{name}.mp4</link></item>" for name in self.videos)
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Elsewhere</title>{items}</channel></rss>'
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body.encode())))
        self.end_headers()
        self.wfile.write(body.encode())


@pytest.fixture
def feed() -> Iterator[tuple[str, list[str]]]:
    videos: ClassVar[list[str]] = []
    handler = type("Feed", (_Feed,), {"videos": videos})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", videos
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIRRUS_FEDERATION_ALLOW_LOOPBACK", "1")
    get_settings.cache_clear()


def _configure(api: ApiClient, *, sync: bool = True, http: bool = True) -> str:
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    custom = api.get_as("/api/v1/config/custom", root).json()
    custom["import"]["videos"]["http"]["enabled"] = http
    custom["import"]["video_channel_synchronization"]["enabled"] = sync
    assert api.put_json("/api/v1/config/custom", custom, root).status == 200
    return root


def _create(api: ApiClient, member: Any, url: str, channel_id: int | None = None) -> ApiResponse:
    body = {"externalChannelUrl": url, "videoChannelId": channel_id or member.channel_id}
    return api.post_json(SYNCS, body, member.token)


def _syncs(api: ApiClient, member: Any, name: str) -> dict[str, Any]:
    response = api.get_as(f"/api/v1/accounts/{name}/video-channel-syncs", member.token)
    assert response.status == 200, response.body
    return dict(response.json())


def _check() -> int:
    from functions.channel_sync.handler import handle_schedule
    from local.lambda_runtime import LocalLambdaContext

    return int(handle_schedule({}, LocalLambdaContext("channelsync", 256, 60, "us-east-1"))["queued"])


def test_syncs_are_refused_while_disabled_and_bad_ones_leave_nothing(api: ApiClient, people: Any) -> None:
    alice, bob = people["alice"], people["bob"]
    response = _create(api, alice, "https://videos.example.org/c/elsewhere")
    assert response.status == 403, response.body
    assert "not enabled" in response.json()["detail"]
    assert api.get("/api/v1/config").json()["import"]["videoChannelSynchronization"] == {"enabled": False}
    _configure(api)
    assert api.get("/api/v1/config").json()["import"]["videoChannelSynchronization"] == {"enabled": True}
    for url in ("ftp://videos.example.org/c", "http://10.1.2.3/c", "http://127.0.0.1:9/c", "not a url"):
        problem = _create(api, alice, url)
        assert problem.status == 400, (url, problem.body)
        assert "externalChannelUrl" in str(problem.json())
    assert api.post_json(SYNCS, {"externalChannelUrl": "https://v.example.org/c"}, alice.token).status == 400
    assert _create(api, alice, "https://videos.example.org/c", channel_id=999999).status == 404
    assert _create(api, alice, "https://videos.example.org/c", channel_id=bob.channel_id).status == 403
    assert _syncs(api, alice, "alice") == {"total": 0, "data": []}
    assert drain("work") == 0


def test_a_sync_is_created_listed_and_deleted_by_its_owner_only(api: ApiClient, people: Any) -> None:
    _configure(api)
    alice, bob = people["alice"], people["bob"]
    response = _create(api, alice, "https://videos.example.org/c/elsewhere")
    assert response.status == 200, response.body
    sync = response.json()["videoChannelSync"]
    assert sync["state"] == {"id": 4, "label": "Waiting first run"}
    assert sync["externalChannelUrl"] == "https://videos.example.org/c/elsewhere"
    assert sync["channel"]["id"] == alice.channel_id and sync["lastSyncAt"] is None
    assert _syncs(api, alice, "alice") == {"total": 1, "data": [sync]}
    assert api.get_as("/api/v1/accounts/alice/video-channel-syncs", bob.token).status == 403
    assert api.get_as("/api/v1/accounts/nobody/video-channel-syncs", bob.token).status == 404
    assert api.delete_as(f"{SYNCS}/{sync['id']}", bob.token).status == 403
    assert api.post_json(f"{SYNCS}/{sync['id']}/sync", {}, bob.token).status == 403
    assert api.delete_as(f"{SYNCS}/{sync['id']}", alice.token).status == 204
    assert api.delete_as(f"{SYNCS}/{sync['id']}", alice.token).status == 404
    assert _syncs(api, alice, "alice")["total"] == 0


def test_import_videos_checks_the_channel_the_sync_and_the_settings(api: ApiClient, people: Any) -> None:
    alice, bob = people["alice"], people["bob"]
    channel = api.get_as("/api/v1/users/me", alice.token).json()["videoChannels"][0]["name"]
    url = f"/api/v1/video-channels/{channel}/import-videos"
    body = {"externalChannelUrl": "https://videos.example.org/c/elsewhere"}
    _configure(api, http=False)
    assert api.post_json(url, body, alice.token).status == 403
    _configure(api)
    assert api.post_json(url, body, bob.token).status == 403
    assert api.post_json(url, {"externalChannelUrl": "http://192.168.1.1/c"}, alice.token).status == 400
    assert api.post_json(url, {**body, "videoChannelSyncId": 424242}, alice.token).status == 404
    bob_sync = _create(api, bob, "https://videos.example.org/c/bob").json()["videoChannelSync"]
    assert api.post_json(url, {**body, "videoChannelSyncId": bob_sync["id"]}, alice.token).status == 403
    assert api.post_json("/api/v1/video-channels/nothing_here/import-videos", body, alice.token).status == 404
    assert drain("work") == 0
    assert api.post_json(url, body, alice.token).status == 204


def test_each_check_imports_only_the_videos_the_channel_lacks(
    api: ApiClient, people: Any, feed: tuple[str, list[str]], loopback: None
) -> None:
    base, videos = feed
    _configure(api)
    alice = people["alice"]
    videos.append("first")
    sync = _create(api, alice, f"{base}/feed.xml").json()["videoChannelSync"]
    assert _check() == 1
    assert drain("work") >= 1  # the listing, then the download (which fails: no such file here)
    imports = api.get_as(MINE, alice.token).json()["data"]
    assert [item["targetUrl"] for item in imports] == [f"{base}/first.mp4"]
    assert imports[0]["videoChannelSync"]["id"] == sync["id"]
    assert imports[0]["video"]["privacy"]["id"] == 1
    listed = _syncs(api, alice, "alice")["data"][0]
    # Its import failed (the "video" is the feed): PeerTube leaves such a run failed.
    assert listed["state"] == {"id": 3, "label": "Failed"} and listed["lastSyncAt"] is not None
    # A second video; the next check imports it alone.
    videos.insert(0, "second")
    assert _check() == 1
    drain("work")
    imports = api.get_as(MINE, alice.token).json()["data"]
    assert sorted(item["targetUrl"] for item in imports) == [f"{base}/first.mp4", f"{base}/second.mp4"]
    by_sync = api.get_as(f"{MINE}?videoChannelSyncId={sync['id']}", alice.token).json()
    assert by_sync["total"] == 2
    # A full sync finds nothing new either.
    assert api.post_json(f"{SYNCS}/{sync['id']}/sync", {}, alice.token).status == 204
    drain("work")
    assert api.get_as(MINE, alice.token).json()["total"] == 2


def test_a_check_of_more_than_ten_new_videos_imports_ten(
    api: ApiClient, people: Any, feed: tuple[str, list[str]], loopback: None
) -> None:
    base, videos = feed
    _configure(api)
    alice = people["alice"]
    videos.extend(f"clip{index}" for index in range(12))
    _create(api, alice, f"{base}/feed.xml")
    assert _check() == 1
    drain("work")
    assert api.get_as(MINE, alice.token).json()["total"] == 10


def test_a_sync_whose_listing_leads_to_a_private_address_fails(
    api: ApiClient, people: Any, feed: tuple[str, list[str]], loopback: None
) -> None:
    base, _ = feed
    _configure(api)
    alice = people["alice"]
    _create(api, alice, f"{base}/to-private")
    assert _check() == 1
    drain("work")
    listed = _syncs(api, alice, "alice")["data"][0]
    assert listed["state"] == {"id": 3, "label": "Failed"}
    assert api.get_as(MINE, alice.token).json()["total"] == 0


def test_no_check_runs_while_synchronisation_is_disabled(api: ApiClient, people: Any) -> None:
    _configure(api)
    _create(api, people["alice"], "https://videos.example.org/c/elsewhere")
    _configure(api, sync=False)
    assert _check() == 0
    assert drain("work") == 0


# --- A run lasts as long as its imports --------------------------------------------------------


class _FeedOfClips(_Feed):
    """The feed, and a real clip at every other path."""

    clip: ClassVar[bytes] = b""

    def do_GET(self) -> None:
        if self.path == "/feed.xml":
            super().do_GET()
            return
        self.send_response(200)
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Content-Length", str(len(self.clip)))
        self.end_headers()
        self.wfile.write(self.clip)


@pytest.fixture
def stack_api(monkeypatch: pytest.MonkeyPatch, loopback: None) -> Iterator[ApiClient]:
    """The API over a real HTTP AWS endpoint: ffprobe reads the imported files there."""
    from chalicelib.domain import events
    from chalicelib.domain.bootstrap import ensure_instance
    from chalicelib.domain.oauth import utcnow
    from tests.local_endpoint import endpoint_with_resources

    monkeypatch.setenv("PT_INITIAL_ROOT_PASSWORD", ROOT_PASSWORD)
    with endpoint_with_resources(monkeypatch), events.isolated():
        instance = ensure_instance(get_settings(), utcnow())
        yield ApiClient(instance.client.client_id, instance.client.client_secret)


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_a_run_is_processing_until_its_imports_have_ended_then_synchronized(
    stack_api: ApiClient, tmp_path: Path
) -> None:
    from tests.members import standard_people

    clip = tmp_path / "clip.mp4"
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10",
         "-t", "1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(clip)],
        check=True,
    )  # fmt: skip
    handler = type("Clips", (_FeedOfClips,), {"videos": ["one", "two"], "clip": clip.read_bytes()})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        api = stack_api
        _configure(api)
        alice = standard_people(api)["alice"]
        _create(api, alice, f"http://127.0.0.1:{httpd.server_address[1]}/feed.xml")
        assert _check() == 1
        assert drain("work", rounds=1) == 1  # the listing only: two imports queued, not run
        assert api.get_as(MINE, alice.token).json()["total"] == 2
        listed = _syncs(api, alice, "alice")["data"][0]
        assert listed["state"] == {"id": 2, "label": "Processing"}
        started = listed["lastSyncAt"]
        assert started is not None
        assert drain("work", rounds=1) == 1  # one import ends: still processing
        imports = api.get_as(MINE, alice.token).json()["data"]
        assert sorted(item["state"]["id"] for item in imports) == [1, 2]
        assert _syncs(api, alice, "alice")["data"][0]["state"]["id"] == 2
        drain("work")  # the other
        imports = api.get_as(MINE, alice.token).json()["data"]
        assert [item["state"]["id"] for item in imports] == [2, 2], imports
        listed = _syncs(api, alice, "alice")["data"][0]
        assert listed["state"] == {"id": 1, "label": "Synchronized"}
        assert listed["lastSyncAt"] == started  # PeerTube sets it when the run starts
        # An import's message delivered again counts nothing twice.
        from chalicelib.store import queues

        queues.send_work([{"task": "video-import", "import": imports[0]["id"]}])
        drain("work")
        assert _syncs(api, alice, "alice")["data"][0]["state"]["id"] == 1
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_run_whose_listing_finds_nothing_new_is_synchronized_at_once(
    api: ApiClient, people: Any, feed: tuple[str, list[str]], loopback: None
) -> None:
    base, _ = feed
    _configure(api)
    alice = people["alice"]
    _create(api, alice, f"{base}/feed.xml")
    assert _check() == 1
    drain("work")
    assert _syncs(api, alice, "alice")["data"][0]["state"] == {"id": 1, "label": "Synchronized"}
