"""Avatars and banners: uploaded as multipart, cropped to PeerTube's sizes, served from S3."""

from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image

from chalicelib import aws as aws_clients
from chalicelib.config import get_settings
from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD


def _image(image_format: str, size: tuple[int, int] = (640, 480)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, image_format)
    return buffer.getvalue()


def _upload(api: ApiClient, path: str, field: str, data: bytes, token: str, filename: str = "x.png") -> ApiResponse:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Authorization": f"Bearer {token}"}
    return api.request("POST", path, body=body, headers=headers)


def _media(path: str) -> bytes:
    obj = aws_clients.s3().get_object(Bucket=get_settings().media_bucket, Key=path.lstrip("/"))
    return bytes(obj["Body"].read())


@pytest.fixture
def root(api: ApiClient) -> str:
    return str(api.login("root", ROOT_PASSWORD)["access_token"])


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP", "GIF"])
def test_an_avatar_comes_in_four_sizes(api: ApiClient, root: str, image_format: str) -> None:
    response = _upload(api, "/api/v1/users/me/avatar/pick", "avatarfile", _image(image_format), root)
    assert response.status == 200, response.body
    avatars = response.json()["avatars"]
    assert [(a["width"], a["height"]) for a in avatars] == [(1500, 1500), (600, 600), (120, 120), (48, 48)]
    for avatar in avatars:
        assert avatar["fileUrl"] == f"http://localhost:9000{avatar['path']}"
        with Image.open(io.BytesIO(_media(avatar["path"]))) as stored:
            assert (stored.format, stored.size) == (image_format, (avatar["width"], avatar["height"]))
    assert api.get("/api/v1/accounts/root").json()["avatars"] == avatars


def test_a_new_avatar_replaces_the_old_files(api: ApiClient, root: str) -> None:
    first = _upload(api, "/api/v1/users/me/avatar/pick", "avatarfile", _image("PNG"), root).json()["avatars"]
    second = _upload(api, "/api/v1/users/me/avatar/pick", "avatarfile", _image("JPEG"), root).json()["avatars"]
    assert {a["path"] for a in first}.isdisjoint(a["path"] for a in second)
    with pytest.raises(aws_clients.s3().exceptions.NoSuchKey):
        _media(first[0]["path"])
    deleted = api.delete_as("/api/v1/users/me/avatar", root)
    assert (deleted.status, deleted.json()) == (200, {"avatars": []})
    with pytest.raises(aws_clients.s3().exceptions.NoSuchKey):
        _media(second[0]["path"])


def test_channel_banners_and_avatars(api: ApiClient, root: str) -> None:
    banner = _upload(api, "/api/v1/video-channels/root_channel/banner/pick", "bannerfile", _image("PNG"), root)
    assert banner.status == 200, banner.body
    assert [(b["width"], b["height"]) for b in banner.json()["banners"]] == [(1920, 317), (600, 100)]
    avatar = _upload(api, "/api/v1/video-channels/root_channel/avatar/pick", "avatarfile", _image("PNG"), root)
    assert avatar.status == 200
    channel = api.get("/api/v1/video-channels/root_channel").json()
    assert len(channel["banners"]) == 2 and len(channel["avatars"]) == 4
    assert api.delete_as("/api/v1/video-channels/root_channel/banner", root).status == 204
    assert api.get("/api/v1/video-channels/root_channel").json()["banners"] == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (b"GIF89a but not really an image", "avatarfile"),
        (b"%PDF-1.4 a document", "avatarfile"),
        (_image("BMP"), "avatarfile"),  # a real image, in a format PeerTube does not accept
        (_image("PNG"), "wrongfield"),
    ],
    ids=["truncated", "not-an-image", "bmp", "wrong-field"],
)
def test_unusable_uploads_are_refused(api: ApiClient, root: str, data: bytes, field: str) -> None:
    response = _upload(api, "/api/v1/users/me/avatar/pick", field, data, root)
    assert response.status == 400
    assert "avatarfile" in response.json()["invalid-params"]
    assert api.get("/api/v1/accounts/root").json()["avatars"] == []


def test_a_decompression_bomb_is_refused(api: ApiClient, root: str) -> None:
    bomb = io.BytesIO()
    Image.new("1", (20000, 20000)).save(bomb, "PNG")  # tiny file, 400 million pixels
    response = _upload(api, "/api/v1/users/me/avatar/pick", "avatarfile", bomb.getvalue(), root)
    assert response.status == 400


def test_another_users_channel_is_refused(api: ApiClient, root: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIRRUS_SIGNUP_ENABLED", "true")
    monkeypatch.setenv("CIRRUS_SIGNUP_REQUIRES_APPROVAL", "false")
    get_settings.cache_clear()
    api.post_json("/api/v1/users/register", {"username": "eve", "password": "eve password", "email": "eve@example.org"})
    eve = api.login("eve", "eve password")["access_token"]
    response = _upload(api, "/api/v1/video-channels/root_channel/avatar/pick", "avatarfile", _image("PNG"), eve)
    assert response.status == 403
