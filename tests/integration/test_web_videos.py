"""Web videos and torrents through the real pipeline (moto behind a local HTTP endpoint, real
ffmpeg) and the API: the original is a web video from the end of its upload, with a torrent
made from its bytes, until transcoding replaces it (by HLS, or by MP4 renditions); every
file gets a torrent whose pieces hash to what its web seed serves; privacy, renaming and
downloads behave as PeerTube's."""

from __future__ import annotations

import hashlib
import time
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from chalicelib.config import get_settings
from chalicelib.domain.bootstrap import ensure_instance
from chalicelib.domain.oauth import utcnow
from chalicelib.media import bencode, layout
from chalicelib.media.probe import count_frames
from chalicelib.store import keys, videos
from chalicelib.store.models import Video
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.gateway_server import local_gateway
from tests.integration.test_transcoding_pipeline import (  # the real-ffmpeg harness and its fixtures
    DURATION,
    _context,
    _drain,
    _upload_event,
    clip,  # noqa: F401
    stack,  # noqa: F401
)
from tests.members import Member, standard_people
from tests.openapi import UNPROBED_ORIGINAL_NULLS, VIDEO_NULLS, assert_conforms
from tests.security.private_media_support import fetch

PRIVATE = 3


@pytest.fixture
def people(stack: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Member]:  # noqa: F811
    monkeypatch.setenv("PT_INITIAL_ROOT_PASSWORD", ROOT_PASSWORD)
    get_settings.cache_clear()
    ensure_instance(get_settings(), utcnow())
    api = ApiClient(*_client())
    return standard_people(api)


@pytest.fixture
def api() -> ApiClient:
    return ApiClient(*_client())


@pytest.fixture
def gateway(stack: dict[str, Any], tmp_path: Path) -> Iterator[str]:  # noqa: F811
    with local_gateway(tmp_path) as url:
        yield url


def _client() -> tuple[str, str]:
    from chalicelib.store import instance

    client = instance.get_local_client()
    assert client is not None
    return str(client.client_id), str(client.client_secret)


def _uploaded(stack: dict[str, Any], clip: Path, owner: Member, **fields: Any) -> Video:  # noqa: F811
    """A video of `owner` whose upload just completed (its source in the uploads bucket)."""
    now = datetime.now(UTC)
    video_uuid = str(uuid.uuid4())
    video_id = int(time.time() * 1000) % 10_000_000
    values: dict[str, Any] = {
        "id": video_id,
        "uuid": video_uuid,
        "name": "A clip: take 1/2",
        "channel_id": owner.channel_id,
        "account_id": owner.account_id,
        "url": f"{get_settings().instance_url}/videos/watch/{video_uuid}",
        "privacy": 1,
        "created_at": now,
        "updated_at": now,
        "published_at": now,
        "source_key": layout.source_key(video_uuid, "Clip.MP4"),
        "source_size": clip.stat().st_size,
        **fields,
    }
    video = Video(keys.video_pk(video_id), keys.ENTITY_SK, **values)
    videos.create_video(video)
    stack["s3"].put_object(Bucket=stack["settings"].uploads_bucket, Key=video.source_key, Body=clip.read_bytes())
    return video


def _details(api: ApiClient, video: Video, token: str) -> dict[str, Any]:
    response = api.get_as(f"/api/v1/videos/{video.uuid}", token)
    assert response.status == 200, response.body
    return dict(response.json())


def _run_until(stack: dict[str, Any], video: Video, done: Any, seconds: float = 60) -> None:  # noqa: F811
    """Run transcoding steps one at a time until `done()` holds."""
    from functions.transcoder.handler import handle_step
    from local.pump import EventPump, SqsBinding

    arn = stack["sqs"].get_queue_attributes(QueueUrl=stack["queue"], AttributeNames=["QueueArn"])["Attributes"]
    binding = SqsBinding(
        stack["queue"], arn["QueueArn"], lambda event: handle_step(event, _context()), batch_size=1, name="t"
    )
    pump = EventPump(stack["sqs"], "us-east-1")
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "the condition was never met"
        if not pump.poll_sqs_once(binding):
            time.sleep(0.1)


def _follow(url: str) -> bytes:
    """GET, following the redirect to the presigned URL."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return bytes(response.read())


def _torrent_checks(torrent: bytes, served: bytes, magnet: str, name: str, web_seeds: list[str]) -> dict[Any, Any]:
    """The torrent's info hash is the magnet's, its pieces hash to `served`, and it names
    `name` and `web_seeds`."""
    document = bencode.decode(torrent)
    info = document[b"info"]
    info_hash = hashlib.sha1(bencode.encode(info)).hexdigest()
    assert parse_qs(urlsplit(magnet).query)["xt"] == [f"urn:btih:{info_hash}"]
    assert info[b"name"].decode() == name
    assert info[b"length"] == len(served)
    size = info[b"piece length"]
    pieces = [hashlib.sha1(served[i : i + size]).digest() for i in range(0, len(served), size)]
    assert info[b"pieces"] == b"".join(pieces)
    assert [url.decode() for url in document[b"url-list"]] == web_seeds
    settings = get_settings()
    assert document[b"announce-list"] == [
        [settings.tracker_url.encode()],
        [f"{settings.instance_url}/tracker/announce".encode()],
    ]
    return dict(document)


def test_the_original_is_a_web_video_with_its_torrent_until_hls_replaces_it(
    stack: dict[str, Any],  # noqa: F811
    clip: Path,  # noqa: F811
    people: dict[str, Member],
    api: ApiClient,
    gateway: str,
) -> None:
    from functions.transcoder.handler import handle_upload

    alice = people["alice"]
    video = _uploaded(stack, clip, alice)
    settings = stack["settings"]

    # The upload is complete: listed at once, before anything examined it (the CLI's first look).
    details = _details(api, video, alice.token)
    assert_conforms("VideoDetails", details, known_deviations=(*VIDEO_NULLS, *UNPROBED_ORIGINAL_NULLS))
    (unprobed,) = details["files"]
    assert unprobed["size"] == clip.stat().st_size and unprobed["torrentUrl"] is None

    handle_upload(_upload_event(video, settings.uploads_bucket), _context())
    details = _details(api, video, alice.token)
    assert_conforms("VideoDetails", details, known_deviations=VIDEO_NULLS)
    (probed,) = details["files"]
    assert probed["resolution"] == {"id": 240, "label": "240p"}
    assert (probed["width"], probed["height"], probed["fps"], probed["hasAudio"], probed["hasVideo"]) == (
        426,
        240,
        25,
        True,
        True,
    )
    assert probed["torrentUrl"] is None and "magnetUri" not in probed

    def torrent_made() -> bool:
        return bool(_details(api, video, alice.token)["files"][0]["torrentUrl"])

    _run_until(stack, video, torrent_made)  # the original's step comes first
    details = _details(api, video, alice.token)
    assert_conforms("VideoDetails", details, known_deviations=VIDEO_NULLS)
    original = details["files"][0]
    name = original["fileUrl"].rsplit("/", 1)[-1]
    assert original["fileUrl"] == f"{settings.instance_url}/static/web-videos/{name}"
    assert name.startswith(video.uuid) and name.endswith("-240.mp4"), "PeerTube's extension, lower-cased"
    assert original["torrentUrl"] == f"{settings.instance_url}/lazy-static/torrents/{name[:-4]}.torrent"
    assert original["torrentDownloadUrl"] == f"{settings.instance_url}/download/torrents/{name[:-4]}.torrent"
    assert original["fileDownloadUrl"] == f"{settings.instance_url}/download/web-videos/{video.uuid}-240.mp4"

    # Served at its web seed over HTTP (the local gateway maps it as CloudFront does), and its
    # torrent (the API redirects to it) describes exactly those bytes.
    served = _follow(gateway + urlsplit(original["fileUrl"]).path)
    assert served == clip.read_bytes()
    torrent = _follow(gateway + urlsplit(original["torrentUrl"]).path)
    _torrent_checks(torrent, served, original["magnetUri"], "A clip- take 1-2 240p.mp4", [original["fileUrl"]])
    assert original["magnetUri"].startswith(f"magnet:?xs={quote(original['torrentUrl'], safe='')}&xt=urn:btih:")
    assert "&dn=A+clip%3A+take+1%2F2&tr=" in original["magnetUri"]
    status, headers, _ = fetch(gateway + urlsplit(original["torrentDownloadUrl"]).path)
    assert status == 302 and "response-content-disposition=attachment" in headers["location"]

    published = _drain(stack, video)
    assert published.stage == "done", published.failure
    details = _details(api, video, alice.token)
    assert_conforms("VideoDetails", details, known_deviations=VIDEO_NULLS)
    assert details["files"] == [], "web videos are disabled: HLS replaced the original"
    s3, bucket = stack["s3"], settings.media_bucket
    for prefix in (layout.web_videos_prefix(video.uuid), layout.torrent_key(name[:-4])):
        assert s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("KeyCount", 0) == 0, prefix
    assert fetch(gateway + urlsplit(original["torrentUrl"]).path)[0] == 404

    # Every HLS file has its torrent, whose web seed is the fragmented MP4.
    hls_files = details["streamingPlaylists"][0]["files"]
    assert [f["resolution"]["id"] for f in hls_files] == [240, 144]
    for file in hls_files:
        assert file["torrentUrl"].endswith(f"-{file['resolution']['id']}-hls.torrent")
        assert file["fileDownloadUrl"] == (
            f"{settings.instance_url}/download/streaming-playlists/hls/videos/"
            f"{video.uuid}-{file['resolution']['id']}-fragmented.mp4"
        )
        served = _follow(gateway + urlsplit(file["fileUrl"]).path)
        torrent = _follow(gateway + urlsplit(file["torrentUrl"]).path)
        expected_name = f"A clip- take 1-2 {file['resolution']['id']}p.mp4"
        _torrent_checks(torrent, served, file["magnetUri"], expected_name, [file["fileUrl"]])


def test_with_web_videos_enabled_mp4_renditions_replace_the_original(
    stack: dict[str, Any],  # noqa: F811
    clip: Path,  # noqa: F811
    people: dict[str, Member],
    api: ApiClient,
    gateway: str,
    tmp_path: Path,
) -> None:
    from functions.transcoder.handler import handle_upload

    alice = people["alice"]
    video = _uploaded(stack, clip, alice, make_web_videos=True)
    handle_upload(_upload_event(video, stack["settings"].uploads_bucket), _context())
    published = _drain(stack, video)
    assert published.stage == "done", published.failure

    details = _details(api, video, alice.token)
    assert [f["resolution"]["id"] for f in details["files"]] == [240, 144]
    assert len(details["streamingPlaylists"][0]["files"]) == 2, "HLS as well (PeerTube's default)"
    for file in details["files"]:
        assert file["fileUrl"].endswith(f"-{file['resolution']['id']}.mp4")
        served = _follow(gateway + urlsplit(file["fileUrl"]).path)
        path = tmp_path / f"{file['resolution']['id']}.mp4"
        path.write_bytes(served)
        assert count_frames(str(path)) == DURATION * 25, "a whole, playable MP4"
        torrent = _follow(gateway + urlsplit(file["torrentUrl"]).path)
        _torrent_checks(
            torrent, served, file["magnetUri"], f"A clip- take 1-2 {file['resolution']['id']}p.mp4", [file["fileUrl"]]
        )
    assert not any(f.original for f in videos.list_web_files(int(video.id)))
    assert published.files_size == sum(f["size"] for f in details["files"]) + sum(
        f["size"] for f in details["streamingPlaylists"][0]["files"]
    )
    _check_activitypub_links(api, published, details)


def _check_activitypub_links(api: ApiClient, video: Video, details: dict[str, Any]) -> None:
    """The Video object federates what the REST file lists, in PeerTube's way: each web video
    then its torrent and magnet URI; the HLS playlist tagged with its P2P info hashes, each
    rendition followed by its torrent and magnet URI (remote instances seed and track them)."""
    document = api.get(f"/videos/watch/{video.uuid}", headers={"Accept": "application/activity+json"}).json()
    urls = document["url"]
    magnet_type = "application/x-bittorrent;x-scheme-handler/magnet"

    def triples(links: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
        found = []
        for index, link in enumerate(links):
            if link.get("mediaType") in ("video/mp4", "audio/mp4"):
                torrent, magnet = links[index + 1], links[index + 2]
                assert (torrent["mediaType"], magnet["mediaType"]) == ("application/x-bittorrent", magnet_type)
                assert torrent["height"] == magnet["height"] == link["height"]
                found.append((link["href"], torrent["href"], magnet["href"]))
        return found

    assert triples(urls) == [(f["fileUrl"], f["torrentUrl"], f["magnetUri"]) for f in details["files"]]
    (playlist,) = [link for link in urls if link.get("mediaType") == "application/x-mpegURL"]
    infohashes = [tag["name"] for tag in playlist["tag"] if tag["type"] == "Infohash"]
    assert sorted(infohashes) == sorted(video.info_hashes or []) and infohashes
    hls_files = details["streamingPlaylists"][0]["files"]
    assert triples(playlist["tag"]) == [(f["fileUrl"], f["torrentUrl"], f["magnetUri"]) for f in hls_files]


def test_private_files_have_no_public_url_and_renaming_rewrites_the_torrents(
    stack: dict[str, Any],  # noqa: F811
    clip: Path,  # noqa: F811
    people: dict[str, Member],
    api: ApiClient,
    gateway: str,
) -> None:
    from functions.transcoder.handler import handle_upload

    alice, bob = people["alice"], people["bob"]
    video = _uploaded(stack, clip, alice, privacy=PRIVATE)
    handle_upload(_upload_event(video, stack["settings"].uploads_bucket), _context())
    _run_until(stack, video, lambda: bool(_details(api, video, alice.token)["files"][0]["torrentUrl"]))
    original = _details(api, video, alice.token)["files"][0]
    name = original["fileUrl"].rsplit("/", 1)[-1]
    assert original["fileUrl"] == f"{stack['settings'].instance_url}/static/web-videos/private/{name}"
    assert "&ws=" not in original["magnetUri"], "no web seed a torrent client could read"
    path = urlsplit(original["fileUrl"]).path
    assert fetch(f"{gateway}/static/web-videos/{name}")[0] in (403, 404), "nothing at the public path"
    assert fetch(gateway + path)[0] == 403
    for url in (original["torrentUrl"], original["torrentDownloadUrl"], original["fileDownloadUrl"]):
        status, headers, _ = fetch(gateway + urlsplit(url).path)
        assert status == 403 and headers["content-type"].startswith("application/problem+json"), url
        status, _, _ = fetch(gateway + urlsplit(url).path, {"authorization": f"Bearer {bob.token}"})
        assert status == 403, "another user may not see a private video"

    token = api.request(
        "POST", f"/api/v1/videos/{video.uuid}/token", headers={"authorization": f"Bearer {alice.token}"}
    ).json()["files"]["token"]
    query = f"?videoFileToken={quote(token)}"
    served = _follow(gateway + path + query)
    assert served == clip.read_bytes()
    torrent = _follow(gateway + urlsplit(original["torrentUrl"]).path + query)
    before = _torrent_checks(torrent, served, original["magnetUri"], "A clip- take 1-2 240p.mp4", [])

    # Renamed and made public: the torrent keeps its pieces, names the new title (a new info
    # hash) and the public web seed, and the file moved to the public path.
    response = api.put_json(f"/api/v1/videos/{video.uuid}", {"name": "Renamed", "privacy": 1}, alice.token)
    assert response.status == 204, response.body
    renamed = _details(api, video, alice.token)["files"][0]
    public_url = f"{stack['settings'].instance_url}/static/web-videos/{name}"
    assert renamed["fileUrl"] == public_url and renamed["torrentUrl"] == original["torrentUrl"]
    torrent = _follow(gateway + urlsplit(renamed["torrentUrl"]).path)
    after = _torrent_checks(torrent, served, renamed["magnetUri"], "Renamed 240p.mp4", [public_url])
    assert after[b"info"][b"pieces"] == before[b"info"][b"pieces"]
    assert renamed["magnetUri"] != original["magnetUri"]
    assert _follow(gateway + urlsplit(public_url).path) == served


def test_downloads_honour_download_enabled_and_unknown_names_are_404(
    stack: dict[str, Any],  # noqa: F811
    clip: Path,  # noqa: F811
    people: dict[str, Member],
    api: ApiClient,
    gateway: str,
) -> None:
    from functions.transcoder.handler import handle_upload

    alice = people["alice"]
    video = _uploaded(stack, clip, alice, download_enabled=False)
    handle_upload(_upload_event(video, stack["settings"].uploads_bucket), _context())
    _run_until(stack, video, lambda: bool(_details(api, video, alice.token)["files"][0]["torrentUrl"]))
    original = _details(api, video, alice.token)["files"][0]

    for url in (original["torrentDownloadUrl"], original["fileDownloadUrl"]):
        status, headers, body = fetch(gateway + urlsplit(url).path)
        assert status == 403 and headers["content-type"].startswith("application/problem+json"), url
        assert b"Download of this video is disabled" in body
    # The player's URLs stay open: downloads are what the owner turned off.
    assert fetch(gateway + urlsplit(original["torrentUrl"]).path)[0] == 302
    assert fetch(gateway + urlsplit(original["fileUrl"]).path)[0] == 200

    unknown = str(uuid.uuid4())
    for path in (
        f"/lazy-static/torrents/{unknown}-0a1b2c3d-240.torrent",
        f"/static/torrents/{unknown}-0a1b2c3d-240.torrent",
        f"/lazy-static/torrents/{video.uuid}-ffffffff-240.torrent",
        f"/download/web-videos/{unknown}-240.mp4",
        "/lazy-static/torrents/..%2F..%2Fetc%2Fpasswd",
        "/download/torrents/not-a-torrent",
    ):
        status, headers, _ = fetch(gateway + path)
        assert status == 404 and headers["content-type"].startswith("application/problem+json"), path
    owner = {"authorization": f"Bearer {alice.token}"}
    assert fetch(f"{gateway}/static/web-videos/private/{video.uuid}-ffffffff-240.mp4", owner)[0] == 404


def test_the_source_is_described_to_those_who_manage_the_video(
    stack: dict[str, Any],  # noqa: F811
    clip: Path,  # noqa: F811
    people: dict[str, Member],
    api: ApiClient,
) -> None:
    from functions.transcoder.handler import handle_upload

    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    video = _uploaded(stack, clip, alice, input_filename="Holidays (2026) 🎥.MP4")
    path = f"/api/v1/videos/{video.uuid}/source"

    before = api.get_as(path, alice.token).json()
    assert before["inputFilename"] == "Holidays (2026) 🎥.MP4"
    assert before["resolution"] == {"id": None, "label": None} and before["size"] == clip.stat().st_size

    handle_upload(_upload_event(video, stack["settings"].uploads_bucket), _context())
    for token in (alice.token, mod.token):  # its owner, and moderators (UPDATE_ANY_VIDEO)
        source = api.get_as(path, token).json()
        assert source["resolution"] == {"id": 240, "label": "240p"}
        assert (source["width"], source["height"], source["fps"]) == (426, 240, 25)
        assert source["size"] == clip.stat().st_size
        assert source["fileDownloadUrl"] is None and source["createdAt"]

    assert api.get_as(path, bob.token).status == 403
    assert api.get(path).status == 401
    assert api.get_as(f"/api/v1/videos/{uuid.uuid4()}/source", alice.token).status == 404
    in_progress = _uploaded(stack, clip, alice, upload_id="an-upload-under-way")
    assert api.get_as(f"/api/v1/videos/{in_progress.uuid}/source", alice.token).status == 404
