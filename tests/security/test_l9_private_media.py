"""L9: the HLS files and thumbnails of private, internal and password-protected videos were
public objects, read by anyone who knew (or had once seen) their URLs; making a video private
moved nothing. As PeerTube: such a video's HLS lives in a private directory read only with a
video file token (POST /api/v1/videos/{id}/token) or the viewer's credentials, its images
take a random name, and making it public again brings the files back."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import requests

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.media import infohashes, layout
from chalicelib.store import infohashes as stored_infohashes
from chalicelib.store import videos
from tests.api_client import ApiClient
from tests.gateway_server import local_gateway
from tests.integration.test_transcoding_pipeline import (  # the real-ffmpeg harness and its fixtures
    _context,
    _drain,
    _new_video,
    _upload_event,
    clip,  # noqa: F401
    stack,  # noqa: F401
)
from tests.members import Member
from tests.security.private_media_support import (
    HLS_NAME,
    MEDIA_BYTES,
    fetch,
    published_video,
)

PUBLIC, UNLISTED, PRIVATE, INTERNAL, PASSWORD_PROTECTED = 1, 2, 3, 4, 5
MASTER = f"{HLS_NAME}-master.m3u8"
MEDIA = f"{HLS_NAME}-240-fragmented.mp4"


@pytest.fixture
def gateway(api: ApiClient, tmp_path: Path) -> Iterator[str]:
    with local_gateway(tmp_path) as url:
        yield url


def _set_privacy(api: ApiClient, owner: Member, video_uuid: str, privacy: int, **extra: Any) -> None:
    response = api.put_json(f"/api/v1/videos/{video_uuid}", {"privacy": privacy, **extra}, owner.token)
    assert response.status == 204, response.body


def _public_paths(video_uuid: str) -> list[str]:
    return [
        f"/{layout.hls_key(video_uuid, MASTER)}",
        f"/{layout.hls_key(video_uuid, MEDIA)}",
        f"/{layout.thumbnail_key(video_uuid)}",
        f"/{layout.preview_key(video_uuid)}",
    ]


def _token(api: ApiClient, video_uuid: str, token: str | None, headers: dict[str, str] | None = None) -> str:
    response = api.request(
        "POST",
        f"/api/v1/videos/{video_uuid}/token",
        headers={**({"authorization": f"Bearer {token}"} if token else {}), **(headers or {})},
    )
    assert response.status == 200, response.body
    files = response.json()["files"]
    assert files["expires"]
    return str(files["token"])


def _private_url(gateway: str, video_uuid: str, name: str, query: str = "") -> str:
    return f"{gateway}/{layout.PRIVATE_HLS_PATH}{video_uuid}/{name}{query}"


@pytest.mark.parametrize("privacy", [PRIVATE, INTERNAL, PASSWORD_PROTECTED], ids=["private", "internal", "password"])
def test_a_video_made_private_is_no_longer_served_at_its_public_urls(
    api: ApiClient, people: dict[str, Member], gateway: str, privacy: int
) -> None:
    video = published_video(people["alice"])
    for path in _public_paths(video.uuid):
        assert fetch(gateway + path)[0] == 200, path  # what an attacker saw while it was public

    extra = {"videoPasswords": ["open sesame"]} if privacy == PASSWORD_PROTECTED else {}
    _set_privacy(api, people["alice"], video.uuid, privacy, **extra)

    for path in _public_paths(video.uuid):
        assert fetch(gateway + path)[0] in (403, 404), path
    # Nor under the private path without a token: it is the API's, not the bucket's.
    assert fetch(_private_url(gateway, video.uuid, MASTER))[0] == 403
    assert fetch(_private_url(gateway, video.uuid, MEDIA))[0] == 403

    details = api.get_as(f"/api/v1/videos/{video.uuid}", people["alice"].token).json()
    playlist = details["streamingPlaylists"][0]
    base = layout.hls_url_base(get_settings().instance_url, video.uuid, private=True)
    assert playlist["playlistUrl"] == f"{base}{MASTER}"
    assert playlist["segmentsSha256Url"] == f"{base}{HLS_NAME}-segments-sha256.json"
    assert playlist["files"][0]["fileUrl"] == f"{base}{MEDIA}"
    assert video.uuid not in details["thumbnailPath"] and video.uuid not in details["previewPath"]
    assert fetch(gateway + details["thumbnailPath"])[0] == 200  # public, under a name only viewers get

    # The tracker knows the swarm of the URL players now use, no longer the old one.
    old = infohashes.playlist_info_hashes(
        infohashes.master_playlist_url(get_settings().instance_url, video.uuid, HLS_NAME), [240]
    )
    new = infohashes.playlist_info_hashes(playlist["playlistUrl"], [240])
    assert all(stored_infohashes.is_known(h) for h in new)
    assert not any(stored_infohashes.is_known(h) for h in old)


def test_the_owner_reads_the_private_files_with_a_video_file_token(
    api: ApiClient, people: dict[str, Member], gateway: str
) -> None:
    video = published_video(people["alice"])
    _set_privacy(api, people["alice"], video.uuid, PRIVATE)
    token = _token(api, video.uuid, people["alice"].token)
    query = f"?videoFileToken={quote(token)}"

    status, headers, body = fetch(_private_url(gateway, video.uuid, MASTER, query))
    assert status == 200 and body.decode().startswith("#EXTM3U")
    assert headers["cache-control"] == "private, no-store"
    # Asked to, the server puts the token into every URI (PeerTube's reinjectVideoFileToken).
    status, _, body = fetch(_private_url(gateway, video.uuid, MASTER, query + "&reinjectVideoFileToken=true"))
    assert f"{HLS_NAME}-240.m3u8?videoFileToken={quote(token)}&reinjectVideoFileToken=true" in body.decode()
    status, _, body = fetch(
        _private_url(gateway, video.uuid, f"{HLS_NAME}-240.m3u8", query + "&reinjectVideoFileToken=true")
    )
    assert f'URI="{MEDIA}?videoFileToken={quote(token)}"' in body.decode()
    assert f"\n{MEDIA}?videoFileToken={quote(token)}\n" in body.decode()

    # The media file: a redirect to a short-lived presigned URL, where byte ranges work.
    status, headers, _ = fetch(_private_url(gateway, video.uuid, MEDIA, query))
    assert status == 302
    location = headers["location"]
    assert urlsplit(location).path.endswith(layout.hls_key(video.uuid, MEDIA, private=True))
    ranged = requests.get(location, headers={"Range": "bytes=100-199"}, timeout=10)
    assert ranged.status_code == 206 and ranged.content == MEDIA_BYTES[100:200]

    # Her own credentials open them too, without a token (PeerTube accepts the OAuth header).
    bearer = {"Authorization": f"Bearer {people['alice'].token}"}
    assert fetch(_private_url(gateway, video.uuid, MASTER), bearer)[0] == 200


def test_wrong_foreign_and_expired_tokens_are_refused(
    api: ApiClient, people: dict[str, Member], gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    video = published_video(people["alice"])
    other = published_video(people["bob"])
    _set_privacy(api, people["alice"], video.uuid, PRIVATE)
    _set_privacy(api, people["bob"], other.uuid, PRIVATE)
    # bob may not get a token for alice's private video, nor may an anonymous client.
    assert (
        api.request(
            "POST", f"/api/v1/videos/{video.uuid}/token", headers={"authorization": f"Bearer {people['bob'].token}"}
        ).status
        == 403
    )
    assert api.request("POST", f"/api/v1/videos/{video.uuid}/token").status == 401
    bobs = _token(api, other.uuid, people["bob"].token)
    for token in ("not-a-token", bobs, ""):
        assert fetch(_private_url(gateway, video.uuid, MASTER, f"?videoFileToken={quote(token)}"))[0] == 403, token
        assert fetch(_private_url(gateway, video.uuid, MEDIA, f"?videoFileToken={quote(token)}"))[0] == 403, token
    assert (
        fetch(_private_url(gateway, video.uuid, MASTER), {"Authorization": f"Bearer {people['bob'].token}"})[0] == 403
    )

    token = _token(api, video.uuid, people["alice"].token)
    from chalicelib.api import video_files
    from chalicelib.domain.oauth import utcnow

    later = utcnow() + timedelta(hours=8, seconds=1)
    monkeypatch.setattr(video_files, "utcnow", lambda: later)
    assert fetch(_private_url(gateway, video.uuid, MASTER, f"?videoFileToken={quote(token)}"))[0] == 403


def test_a_password_opens_a_token_for_anyone(api: ApiClient, people: dict[str, Member], gateway: str) -> None:
    video = published_video(people["alice"])
    _set_privacy(api, people["alice"], video.uuid, PASSWORD_PROTECTED, videoPasswords=["open sesame"])
    wrong = api.request("POST", f"/api/v1/videos/{video.uuid}/token", headers={"x-peertube-video-password": "guess"})
    assert wrong.status == 403
    token = _token(api, video.uuid, None, {"x-peertube-video-password": "open sesame"})
    assert fetch(_private_url(gateway, video.uuid, MASTER, f"?videoFileToken={quote(token)}"))[0] == 200


def test_making_it_public_again_restores_the_public_urls(
    api: ApiClient, people: dict[str, Member], gateway: str
) -> None:
    video = published_video(people["alice"])
    _set_privacy(api, people["alice"], video.uuid, PRIVATE)
    token = _token(api, video.uuid, people["alice"].token)
    _set_privacy(api, people["alice"], video.uuid, UNLISTED)  # unlisted files are public, as in PeerTube

    assert fetch(f"{gateway}/{layout.hls_key(video.uuid, MASTER)}")[0] == 200
    assert fetch(f"{gateway}/{layout.hls_key(video.uuid, MEDIA)}")[2] == MEDIA_BYTES
    assert fetch(_private_url(gateway, video.uuid, MASTER, f"?videoFileToken={quote(token)}"))[0] == 404
    details = api.get(f"/api/v1/videos/{video.uuid}").json()
    assert details["streamingPlaylists"][0]["playlistUrl"] == infohashes.master_playlist_url(
        get_settings().instance_url, video.uuid, HLS_NAME
    )
    assert fetch(gateway + details["thumbnailPath"])[0] == 200
    stored = videos.get_video(int(video.id))
    assert stored is not None and all(stored_infohashes.is_known(h) for h in stored.info_hashes or ())


def test_nothing_is_left_under_the_public_prefix(api: ApiClient, people: dict[str, Member]) -> None:
    video = published_video(people["alice"])
    _set_privacy(api, people["alice"], video.uuid, INTERNAL)
    listed = aws.s3().list_objects_v2(Bucket=get_settings().media_bucket, Prefix=layout.hls_prefix(video.uuid))
    assert listed.get("KeyCount", 0) == 0
    private = aws.s3().list_objects_v2(
        Bucket=get_settings().media_bucket, Prefix=layout.hls_prefix(video.uuid, private=True)
    )
    assert private.get("KeyCount", 0) == 4


# Through the real pipeline: a video uploaded as private never has public files.
pipeline = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")


@pipeline
def test_a_video_uploaded_private_never_has_public_files(stack: dict[str, Any], clip: Path) -> None:  # noqa: F811
    from functions.transcoder.handler import handle_upload

    video = _new_video(stack, clip)
    assert videos.update_metadata(video, {"privacy": PRIVATE}, 0)
    handle_upload(_upload_event(video, stack["settings"].uploads_bucket), _context())
    published = _drain(stack, video)
    assert (published.stage, published.state) == ("done", 1), published.failure

    s3, bucket = stack["s3"], stack["settings"].media_bucket
    assert s3.list_objects_v2(Bucket=bucket, Prefix=layout.hls_prefix(video.uuid)).get("KeyCount", 0) == 0
    private = [
        o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=layout.hls_prefix(video.uuid, True))["Contents"]
    ]
    assert layout.hls_key(video.uuid, f"{published.hls_prefix}-master.m3u8", True) in private
    assert len(private) == 2 + 2 * len(videos.list_files(int(video.id)))  # master, hashes, a playlist and an MP4 each
    for key in (layout.thumbnail_key(video.uuid), layout.preview_key(video.uuid)):
        assert s3.list_objects_v2(Bucket=bucket, Prefix=key).get("KeyCount", 0) == 0, key
    assert published.image_name and published.image_name != video.uuid
    s3.head_object(Bucket=bucket, Key=layout.thumbnail_key(published.image_name))
    url = infohashes.master_playlist_url(stack["settings"].instance_url, video.uuid, str(published.hls_prefix), True)
    files = videos.list_files(int(video.id))
    torrents = {str(f.info_hash) for f in files}
    assert published.info_hashes == {*infohashes.playlist_info_hashes(url, [int(f.height) for f in files]), *torrents}


@pipeline
def test_a_privacy_change_during_transcoding_is_caught_up_by_publication(
    stack: dict[str, Any],  # noqa: F811
    clip: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The steps wrote public files, then the owner made the video private before it was
    finished: publication moves them before the video is published."""
    from chalicelib.domain import transcoding
    from functions.transcoder.handler import handle_upload

    video = _new_video(stack, clip)
    real_publish = transcoding.publish

    def private_first(current: Any) -> None:
        assert videos.update_metadata(current, {"privacy": INTERNAL}, 0)  # as a direct store write: no move
        fresh = videos.get_video(int(current.id))
        assert fresh is not None
        real_publish(fresh)

    monkeypatch.setattr(transcoding, "publish", private_first)
    handle_upload(_upload_event(video, stack["settings"].uploads_bucket), _context())
    published = _drain(stack, video)
    s3, bucket = stack["s3"], stack["settings"].media_bucket
    assert s3.list_objects_v2(Bucket=bucket, Prefix=layout.hls_prefix(video.uuid)).get("KeyCount", 0) == 0
    assert s3.list_objects_v2(Bucket=bucket, Prefix=layout.thumbnail_key(video.uuid)).get("KeyCount", 0) == 0
    assert s3.list_objects_v2(Bucket=bucket, Prefix=layout.hls_prefix(video.uuid, True)).get("KeyCount", 0) > 2
    assert published.image_name
