"""Video imports by URL (PeerTube's /videos/imports) over moto and a loopback HTTP server:
the routes' answers and refusals, and the work task's download through the address policy
(a private address, a redirect into one, a file over the cap, a file that is not a video),
each ending with PeerTube's import state and error and nothing left in the buckets; and an
import that is published as HLS like an upload (over a real HTTP AWS endpoint, ffprobe
and ffmpeg read the source through presigned URLs)."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from chalicelib import aws
from chalicelib.config import get_settings
from tests import torrents
from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD
from tests.local_http import OperatorProxy, allow_loopback, serving
from tests.queue_runner import drain

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
IMPORTS = "/api/v1/videos/imports"
MINE = "/api/v1/users/me/videos/imports"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("served")
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=500",
         "-t", "3", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-pix_fmt", "yuv420p",
         str(directory / "clip.mp4")],
        check=True,
    )  # fmt: skip
    (directory / "notes.mp4").write_bytes(b"these are notes, not a video\n" * 200)
    (directory / "big.mp4").write_bytes(b"\x00" * (3 * 1024 * 1024))
    return directory


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/held/"):
            self._held(self.path.removeprefix("/held"))
            return
        if self.path == "/to-private":
            self.send_response(302)
            self.send_header("Location", "http://10.0.0.1/clip.mp4")
            self.end_headers()
            return
        if self.path == "/to-clip":
            self.send_response(302)
            self.send_header("Location", "/clip.mp4")
            self.end_headers()
            return
        super().do_GET()

    def guess_type(self, path: Any) -> str:
        return "video/mp4"

    def _held(self, name: str) -> None:
        """The file with its length, its first KiB at once and the rest once `HELD` is set:
        a download that has announced its size and is still running."""
        data = (Path(self.directory) / name.lstrip("/")).read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data[:1024])
            self.wfile.flush()
            HELD.wait(60)
            self.wfile.write(data[1024:])
        except OSError:
            pass  # yt-dlp's look at the file reads its start only


HELD = threading.Event()


@pytest.fixture
def server(files: Path) -> Iterator[str]:
    with serving(_Handler, files) as url:
        yield url


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    allow_loopback(monkeypatch)


def _enable(api: ApiClient, enabled: bool = True) -> str:
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    custom = api.get_as("/api/v1/config/custom", root).json()
    custom["import"]["videos"]["http"]["enabled"] = enabled
    assert api.put_json("/api/v1/config/custom", custom, root).status == 200
    return root


def _start(api: ApiClient, member: Any, url: str, **fields: Any) -> ApiResponse:
    body = {"targetUrl": url, "channelId": member.channel_id, "privacy": 1, **fields}
    return api.post_json(IMPORTS, body, member.token)


def _problem(response: ApiResponse, status: int) -> dict[str, Any]:
    assert response.status == status, response.body
    return dict(response.json())


def _source_objects() -> list[str]:
    listed = aws.s3().list_objects_v2(Bucket=get_settings().uploads_bucket)
    return [item["Key"] for item in listed.get("Contents", [])]


def _mine(api: ApiClient, member: Any) -> dict[str, Any]:
    response = api.get_as(MINE, member.token)
    assert response.status == 200, response.body
    return dict(response.json())


# --- The routes --------------------------------------------------------------------------------


def test_imports_are_refused_while_the_administrator_has_not_enabled_them(api: ApiClient, people: Any) -> None:
    problem = _problem(_start(api, people["alice"], "https://videos.example.org/v/1"), 409)
    assert problem["detail"] == "HTTP import is not enabled on this instance."
    magnet = {"magnetUri": "magnet:?xt=urn:btih:" + "a" * 40}
    problem = _problem(api.post_json(IMPORTS, magnet, people["alice"].token), 409)
    assert problem["detail"] == "Torrent/magnet URI import is not enabled on this instance."
    assert _mine(api, people["alice"]) == {"total": 0, "data": []}


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"targetUrl": None}, "targetUrl"),
        ({"targetUrl": "ftp://videos.example.org/v.mp4"}, "targetUrl"),
        ({"targetUrl": "https://user:pw@videos.example.org/v.mp4"}, "targetUrl"),
        ({"targetUrl": "https://10.1.2.3/v.mp4"}, "targetUrl"),
        ({"targetUrl": "http://127.0.0.1:8080/v.mp4"}, "targetUrl"),
        ({"targetUrl": "https://[::ffff:192.168.0.1]/v.mp4"}, "targetUrl"),
        ({"targetUrl": "https://videos.example.org/" + "a" * 2000}, "targetUrl"),
        ({"privacy": 9}, "privacy"),
        ({"channelId": None}, "channelId"),
    ],
)
def test_bad_imports_get_400_and_leave_nothing(api: ApiClient, people: Any, fields: dict[str, Any], param: str) -> None:
    _enable(api)
    alice = people["alice"]
    body = {"targetUrl": "https://videos.example.org/v/1", "channelId": alice.channel_id, "name": "Imported", **fields}
    body = {name: value for name, value in body.items() if value is not None}
    response = api.post_json(IMPORTS, body, alice.token)
    problem = _problem(response, 400)
    assert param in str(problem), problem
    assert _mine(api, alice)["total"] == 0
    assert drain("work") == 0


def test_an_import_answers_at_once_and_is_managed_by_its_owner_only(api: ApiClient, people: Any) -> None:
    assert api.get("/api/v1/config").json()["import"]["videos"]["http"] == {"enabled": False}
    _enable(api)
    assert api.get("/api/v1/config").json()["import"]["videos"]["http"] == {"enabled": True}
    alice, bob = people["alice"], people["bob"]
    created = _start(api, alice, "https://videos.example.org/watch/clip-of-the-day")
    assert created.status == 200, created.body
    body = created.json()
    assert body["state"] == {"id": 1, "label": "Pending"}
    assert body["targetUrl"] == "https://videos.example.org/watch/clip-of-the-day"
    assert (body["error"], body["magnetUri"], body["torrentName"]) == (None, None, None)
    video = body["video"]
    assert video["name"] == "clip-of-the-day"  # no name given: from the URL until the source gives a title
    assert video["state"] == {"id": 3, "label": "To import"}
    assert video["channel"]["id"] == alice.channel_id
    # Bob's channel is not Alice's to publish in.
    assert _start(api, alice, "https://videos.example.org/v/2", channelId=bob.channel_id).status == 403
    listed = _mine(api, alice)
    assert listed["total"] == 1 and listed["data"][0]["id"] == body["id"]
    assert _mine(api, bob)["total"] == 0
    assert _mine(api, alice) == api.get_as(f"{MINE}?videoId={video['id']}", alice.token).json()
    assert api.get_as(f"{MINE}?search=nothing-like-it", alice.token).json()["total"] == 0
    # Only its owner may act on it; it cannot be deleted while pending, and may be cancelled once.
    assert api.post_json(f"{IMPORTS}/{body['id']}/cancel", {}, bob.token).status == 403
    problem = _problem(api.delete_as(f"{IMPORTS}/{body['id']}", alice.token), 409)
    assert problem["detail"].startswith("Cannot delete a pending video import")
    assert api.post_json(f"{IMPORTS}/{body['id']}/cancel", {}, alice.token).status == 204
    assert _problem(api.post_json(f"{IMPORTS}/{body['id']}/cancel", {}, alice.token), 409)["detail"] == (
        "Cannot cancel a non pending video import"
    )
    assert _mine(api, alice)["data"][0]["state"] == {"id": 5, "label": "Cancelled"}
    # The queued download finds it cancelled and leaves it so.
    assert drain("work") >= 1
    assert _mine(api, alice)["data"][0]["state"]["id"] == 5
    # Deleted, it takes its empty video along.
    assert api.delete_as(f"{IMPORTS}/{body['id']}", alice.token).status == 204
    assert _mine(api, alice)["total"] == 0
    assert api.get_as(f"/api/v1/videos/{video['id']}", alice.token).status == 404
    assert api.delete_as(f"{IMPORTS}/{body['id']}", alice.token).status == 404


# --- The download ------------------------------------------------------------------------------


def _failed_with(api: ApiClient, member: Any, url: str) -> dict[str, Any]:
    created = _start(api, member, url, name="Refused import")
    assert created.status == 200, created.body
    drain("work")
    found = next(item for item in _mine(api, member)["data"] if item["id"] == created.json()["id"])
    assert found["state"] == {"id": 3, "label": "Failed"}, found
    assert found["video"]["state"]["id"] == 12  # TO_IMPORT_FAILED: waiting for a retry
    return dict(found)


def test_the_download_goes_nowhere_the_address_policy_refuses(api: ApiClient, people: Any, server: str) -> None:
    # Without the loopback allowance, the names a test server answers on are refused when the
    # download resolves them (an IP literal is refused at once, above).
    _enable(api)
    alice = people["alice"]
    found = _failed_with(api, alice, server.replace("127.0.0.1", "localhost") + "/clip.mp4")
    assert "refused address" in found["error"] and "loopback" in found["error"]
    assert _source_objects() == []
    notifications = api.get_as("/api/v1/users/me/notifications", alice.token).json()["data"]
    assert [n["type"] for n in notifications] == [8]  # MY_VIDEO_IMPORT_ERROR
    assert notifications[0]["videoImport"]["targetUrl"].endswith("/clip.mp4")


def test_a_redirect_into_a_private_address_is_refused(api: ApiClient, people: Any, server: str, loopback: None) -> None:
    _enable(api)
    found = _failed_with(api, people["alice"], f"{server}/to-private")
    assert "refused address 10.0.0.1 (private)" in found["error"]
    assert _source_objects() == []


def test_a_file_over_the_users_quota_is_cut_off(api: ApiClient, people: Any, server: str, loopback: None) -> None:
    root = _enable(api)
    alice = people["alice"]
    me = api.get_as("/api/v1/users/me", alice.token).json()
    assert api.put_json(f"/api/v1/users/{me['id']}", {"videoQuota": 1024 * 1024}, root).status == 204
    found = _failed_with(api, alice, f"{server}/big.mp4")
    assert found["error"] == "The user video quota is exceeded with this video to import."
    assert _source_objects() == []


def test_a_file_over_the_instances_cap_is_cut_off(
    api: ApiClient, people: Any, server: str, loopback: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CIRRUS_IMPORT_MAX_BYTES", str(1024 * 1024))
    get_settings.cache_clear()
    _enable(api)
    found = _failed_with(api, people["alice"], f"{server}/big.mp4")
    assert found["error"] == "The video is larger than this instance imports"
    assert _source_objects() == []


# --- The operator's proxies (PeerTube's import.videos.http.proxies) ----------------------------


def _through(monkeypatch: pytest.MonkeyPatch, proxy: OperatorProxy) -> None:
    monkeypatch.setenv("CIRRUS_IMPORT_PROXIES", proxy.url)
    get_settings.cache_clear()


def test_the_operators_proxy_carries_the_download_to_the_checked_address(
    api: ApiClient, people: Any, server: str, loopback: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _enable(api)
    alice = people["alice"]
    me = api.get_as("/api/v1/users/me", alice.token).json()
    assert api.put_json(f"/api/v1/users/{me['id']}", {"videoQuota": 1024 * 1024}, root).status == 204
    with OperatorProxy() as proxy:
        _through(monkeypatch, proxy)
        # Named by host name: the operator's proxy is asked for the address Cirrus resolved and
        # checked, never for the name (which it would resolve again).
        found = _failed_with(api, alice, server.replace("127.0.0.1", "localhost") + "/big.mp4")
    assert found["error"] == "The user video quota is exceeded with this video to import."  # its bytes came through
    port = server.rsplit(":", 1)[1]
    assert proxy.targets and set(proxy.targets) <= {f"127.0.0.1:{port}", f"[::1]:{port}"}, proxy.targets
    assert _source_objects() == []


def test_the_operators_proxy_is_never_asked_for_what_the_policy_refuses(
    api: ApiClient, people: Any, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _enable(api)
    alice = people["alice"]
    with OperatorProxy() as proxy:
        _through(monkeypatch, proxy)
        found = _failed_with(api, alice, server.replace("127.0.0.1", "localhost") + "/clip.mp4")
        assert "refused address" in found["error"] and "loopback" in found["error"]
        assert proxy.targets == [] and proxy.refused == 0  # not even asked
        allow_loopback(monkeypatch)  # now the first hop may go, its redirect into 10.0.0.1 may not
        found = _failed_with(api, alice, f"{server}/to-private")
    assert "refused address 10.0.0.1 (private)" in found["error"]
    assert proxy.targets and not any(target.startswith("10.") for target in proxy.targets), proxy.targets


def test_a_refusing_operators_proxy_fails_the_import_saying_so(
    api: ApiClient, people: Any, server: str, loopback: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _enable(api)
    with OperatorProxy(answer=403) as proxy:
        _through(monkeypatch, proxy)
        found = _failed_with(api, people["alice"], f"{server}/clip.mp4")
    assert found["error"].startswith("The import could not go through the instance's proxy: ")
    assert "403" in found["error"] and "s3cret" not in found["error"]
    assert proxy.refused >= 1 and proxy.targets == []


# --- Over a real HTTP AWS endpoint: ffprobe and the pipeline -----------------------------------


@pytest.fixture
def stack_api(monkeypatch: pytest.MonkeyPatch, loopback: None) -> Iterator[tuple[dict[str, Any], ApiClient]]:
    from chalicelib.domain import events
    from chalicelib.domain.bootstrap import ensure_instance
    from chalicelib.domain.oauth import utcnow
    from tests.local_endpoint import endpoint_with_resources

    monkeypatch.setenv("PT_INITIAL_ROOT_PASSWORD", ROOT_PASSWORD)
    with endpoint_with_resources(monkeypatch) as stack, events.isolated():
        instance = ensure_instance(get_settings(), utcnow())
        yield stack, ApiClient(instance.client.client_id, instance.client.client_secret)


@needs_ffmpeg
def test_a_file_that_is_not_a_video_fails_the_import_and_a_retry_can_follow(
    stack_api: tuple[dict[str, Any], ApiClient], server: str
) -> None:
    from tests.members import standard_people

    _, api = stack_api
    _enable(api)
    alice = standard_people(api)["alice"]
    found = _failed_with(api, alice, f"{server}/notes.mp4")
    assert found["error"].startswith("The file is not a video Cirrus can read")
    assert _source_objects() == []
    # Retried (the same failure again), then deleted with its video.
    assert api.post_json(f"{IMPORTS}/{found['id']}/retry", {}, alice.token).status == 204
    assert _mine(api, alice)["data"][0]["state"]["id"] == 1
    drain("work")
    assert _mine(api, alice)["data"][0]["state"]["id"] == 3
    assert api.delete_as(f"{IMPORTS}/{found['id']}", alice.token).status == 204


@needs_ffmpeg
def test_an_imported_clip_is_published_as_hls_like_an_upload(
    stack_api: tuple[dict[str, Any], ApiClient], server: str
) -> None:
    from chalicelib.store import videos
    from functions.transcoder.handler import handle_upload
    from tests.local_endpoint import drain_transcoding, transcoder_context
    from tests.members import standard_people

    stack, api = stack_api
    _enable(api)
    alice = standard_people(api)["alice"]
    created = _start(api, alice, f"{server}/to-clip")  # a redirect to the file, checked too
    assert created.status == 200, created.body
    assert drain("work") == 1
    body = _mine(api, alice)["data"][0]
    assert body["state"] == {"id": 2, "label": "Success"}, body
    assert body["video"]["name"] == "clip"  # the title yt-dlp gives
    video = videos.get_video(int(body["video"]["id"]))
    assert video is not None and video.stage == "uploaded" and int(video.state) == 2
    assert _source_objects() == [video.source_key]  # the work copy is gone
    # The same task delivered again finds the import done: nothing is fetched twice.
    from chalicelib.store import queues

    queues.send_work([{"task": "video-import", "import": body["id"]}])
    assert drain("work") == 1
    assert _mine(api, alice)["data"][0]["state"]["id"] == 2
    assert _source_objects() == [video.source_key]
    size = aws.s3().head_object(Bucket=stack["settings"].uploads_bucket, Key=video.source_key)["ContentLength"]
    assert size == int(video.source_size) > 0
    # S3's ObjectCreated event, as the bucket's notification sends it: the upload's path.
    key = str(video.source_key).replace("/", "%2F")
    record = {"eventName": "ObjectCreated:Copy", "s3": {"bucket": {"name": "uploads"}, "object": {"key": key}}}
    handle_upload({"Records": [record]}, transcoder_context())
    published = drain_transcoding(stack, video)
    assert (published.stage, int(published.state)) == ("done", 1), published.failure
    details = api.get_as(f"/api/v1/videos/{video.uuid}", alice.token).json()
    assert details["streamingPlaylists"][0]["playlistUrl"].endswith("master.m3u8")
    assert 2 <= details["duration"] <= 4
    notifications = api.get_as("/api/v1/users/me/notifications", alice.token).json()["data"]
    assert 7 in [n["type"] for n in notifications]  # MY_VIDEO_IMPORT_SUCCESS


# --- The quota while a download runs -----------------------------------------------------------


def _quota_used(api: ApiClient, member: Any) -> int:
    return int(api.get_as("/api/v1/users/me/video-quota-used", member.token).json()["videoQuotaUsed"])


def _set_quota(api: ApiClient, root: str, member: Any, quota: int) -> None:
    me = api.get_as("/api/v1/users/me", member.token).json()
    assert api.put_json(f"/api/v1/users/{me['id']}", {"videoQuota": quota}, root).status == 204


def _publish(stack: dict[str, Any], api: ApiClient, member: Any, video_id: int, reserved: int) -> int:
    """The imported video through the transcoding pipeline; its largest file's size."""
    from chalicelib.store import videos
    from functions.transcoder.handler import handle_upload
    from tests.local_endpoint import drain_transcoding, transcoder_context

    video = videos.get_video(video_id)
    assert video is not None and int(video.quota_reserved or 0) == reserved
    key = str(video.source_key).replace("/", "%2F")
    record = {"eventName": "ObjectCreated:Copy", "s3": {"bucket": {"name": "uploads"}, "object": {"key": key}}}
    handle_upload({"Records": [record]}, transcoder_context())
    published = drain_transcoding(stack, video)
    assert (published.stage, int(published.state)) == ("done", 1), published.failure
    details = api.get_as(f"/api/v1/videos/{video.uuid}", member.token).json()
    return max(int(file["size"]) for playlist in details["streamingPlaylists"] for file in playlist["files"])


@needs_ffmpeg
def test_a_running_download_holds_its_size_and_a_second_import_that_no_longer_fits_fails(
    stack_api: tuple[dict[str, Any], ApiClient], server: str, files: Path
) -> None:
    """Two imports at once, room for one: the first reserves its file's size as soon as its
    server announces it, so the second, started while the first still downloads, fails with
    PeerTube's error; the first's size counts once, through publication."""
    from chalicelib.store import queues
    from tests.members import standard_people

    stack, api = stack_api
    root = _enable(api)
    custom = api.get_as("/api/v1/config/custom", root).json()
    custom["import"]["videos"]["concurrency"] = 2  # both may download at once
    assert api.put_json("/api/v1/config/custom", custom, root).status == 200
    alice = standard_people(api)["alice"]
    size = (files / "clip.mp4").stat().st_size
    _set_quota(api, root, alice, size + size // 2)
    HELD.clear()
    first = _start(api, alice, f"{server}/held/clip.mp4", name="First")
    assert first.status == 200, first.body
    running = threading.Thread(target=drain, args=("work",))
    running.start()
    try:
        deadline = time.monotonic() + 30
        while _quota_used(api, alice) != size and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _quota_used(api, alice) == size  # reserved while its bytes are still coming
        second = _start(api, alice, f"{server}/clip.mp4", name="Second")
        assert second.status == 200, second.body  # nothing known of its size yet
        drain("work")  # the first's message is still being worked on: the second's only
        found = next(item for item in _mine(api, alice)["data"] if item["id"] == second.json()["id"])
        assert found["state"]["id"] == 3, found
        assert found["error"] == "The user video quota is exceeded with this video to import."
        assert _quota_used(api, alice) == size  # the second holds nothing
    finally:
        HELD.set()
        running.join(60)
    body = next(item for item in _mine(api, alice)["data"] if item["id"] == first.json()["id"])
    assert body["state"] == {"id": 2, "label": "Success"}, body
    assert _quota_used(api, alice) == size
    # The same task delivered again reserves nothing more.
    queues.send_work([{"task": "video-import", "import": body["id"]}])
    drain("work")
    assert _quota_used(api, alice) == size
    # Published: its largest file counts instead of the reservation, never both.
    largest = _publish(stack, api, alice, int(body["video"]["id"]), size)
    assert _quota_used(api, alice) == largest
    # The failed import's video is deleted with it: nothing to give back twice.
    assert api.delete_as(f"{IMPORTS}/{found['id']}", alice.token).status == 204
    assert _quota_used(api, alice) == largest


def test_a_failed_download_gives_its_reservation_back(api: ApiClient, people: Any, server: str, loopback: None) -> None:
    """A file that is not a video, announced and fetched whole (so reserved), fails at the
    probe: what it reserved goes back. (Without ffprobe's HTTP access here, the probe fails
    on any file: the point is the release.)"""
    _enable(api)
    alice = people["alice"]
    found = _failed_with(api, alice, f"{server}/notes.mp4")
    assert found["error"].startswith("The file is not a video Cirrus can read")
    assert _quota_used(api, alice) == 0


# --- Torrents: refusals before anything is stored ----------------------------------------------


def _post_torrent(api: ApiClient, member: Any, torrent: bytes, **fields: str) -> ApiResponse:
    boundary = "cirrus-torrent-boundary"
    body = b""
    for name, value in {"channelId": str(member.channel_id), **fields}.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="torrentfile"; filename="video.torrent"\r\n'
        "Content-Type: application/x-bittorrent\r\n\r\n"
    ).encode()
    body += torrent + f"\r\n--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Authorization": f"Bearer {member.token}"}
    return api.request("POST", IMPORTS, body=body, headers=headers)


def _enable_torrents(api: ApiClient) -> None:
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    custom = api.get_as("/api/v1/config/custom", root).json()
    custom["import"]["videos"]["torrent"]["enabled"] = True
    assert api.put_json("/api/v1/config/custom", custom, root).status == 200


@pytest.mark.parametrize(
    ("torrent", "reason"),
    [
        (torrents.several_files(["a.mp4", "b.mp4"]), "Torrents with only 1 file are supported."),
        (torrents.with_path(["..", "escape.mp4"]), "not a plain file name"),
        (torrents.with_path(["sub", "clip.mp4"]), "not a plain file name"),
        (torrents.single_file("../clip.mp4", b"x" * 100), "not a plain file name"),
        (torrents.single_file("notes.txt", b"x" * 100), "not a video"),
        (
            torrents.bencode(
                {"info": {"name": "huge.mp4", "length": 5 * 1024**4, "piece length": 16384, "pieces": b""}}
            ),
            "larger than this instance imports",
        ),
        (b"this is not bencode", "not a torrent"),
        (b"d4:infoi1ee", "not a torrent"),
        (b"d" + b"l" * 5000, "not a torrent"),
        (torrents.single_file("clip.mp4", b"x" * 100) + b"x" * 210_000, "too large"),
    ],
)
def test_bad_torrents_get_400_and_leave_nothing(api: ApiClient, people: Any, torrent: bytes, reason: str) -> None:
    alice = people["alice"]
    _enable_torrents(api)
    response = _post_torrent(api, alice, torrent, name="A torrent")
    problem = _problem(response, 400)
    assert reason in str(problem), problem
    assert _mine(api, alice)["total"] == 0
    assert _source_objects() == []
    assert drain("work") == 0


def test_torrent_imports_need_the_setting_and_a_real_magnet(api: ApiClient, people: Any) -> None:
    alice = people["alice"]
    problem = _problem(_post_torrent(api, alice, torrents.single_file("clip.mp4", b"x" * 100)), 409)
    assert problem["detail"] == "Torrent/magnet URI import is not enabled on this instance."
    _enable_torrents(api)
    for magnet in ("magnet:?dn=clip.mp4", "https://example.org/x.torrent", "magnet:?xt=urn:btih:1234"):
        body = {"magnetUri": magnet, "channelId": alice.channel_id}
        assert "magnetUri" in str(_problem(api.post_json(IMPORTS, body, alice.token), 400))
    both = {"magnetUri": "magnet:?xt=urn:btih:" + "a" * 40, "targetUrl": "https://v.example.org/1"}
    assert _problem(api.post_json(IMPORTS, {**both, "channelId": alice.channel_id}, alice.token), 400)
    assert _mine(api, alice)["total"] == 0
    good = {"magnetUri": "magnet:?xt=urn:btih:" + "a" * 40 + "&dn=My+clip.mp4", "channelId": alice.channel_id}
    created = api.post_json(IMPORTS, good, alice.token)
    assert created.status == 200, created.body
    body = created.json()
    assert (body["targetUrl"], body["magnetUri"], body["torrentName"]) == (None, good["magnetUri"], "My clip.mp4")
    assert body["video"]["name"] == "My clip"


@needs_ffmpeg
def test_a_fetched_import_may_be_rejected(
    stack_api: tuple[dict[str, Any], ApiClient], server: str, install_plugins: Any
) -> None:
    from tests.members import standard_people

    _, api = stack_api
    install_plugins("sample")  # tests/plugins/sample: rejects names with "reject"
    _enable(api)
    alice = standard_people(api)["alice"]
    created = _start(api, alice, f"{server}/clip.mp4", name="Please reject me")
    assert created.status == 200, created.body
    drain("work")
    found = _mine(api, alice)["data"][0]
    assert found["state"] == {"id": 4, "label": "Rejected"}, found
    assert found["error"].startswith("Rejected after ") and found["error"].endswith(" bytes")
    assert found["video"]["state"]["id"] == 12  # TO_IMPORT_FAILED
