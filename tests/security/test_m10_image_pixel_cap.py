"""M10: an image over the pixel cap is refused before anything is decoded.

Pillow only warns between MAX_IMAGE_PIXELS and twice that, so a 50-megapixel PNG of a few
kilobytes used to be decoded (about 1 GB of memory in the API function) and accepted."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest

from tests.api_client import ApiClient, ApiResponse
from tests.security.sessions_support import problem


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def _upload(api: ApiClient, path: str, field: str, data: bytes, token: str) -> ApiResponse:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="x.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Authorization": f"Bearer {token}"}
    return api.request("POST", path, body=body, headers=headers)


@pytest.fixture(scope="module")
def fifty_megapixels() -> bytes:
    return _png(10_000, 5_000)


def test_a_fifty_megapixel_avatar_is_refused(api: ApiClient, people: Any, fifty_megapixels: bytes) -> None:
    assert len(fifty_megapixels) < 100_000
    response = _upload(api, "/api/v1/users/me/avatar/pick", "avatarfile", fifty_megapixels, people["alice"].token)

    assert response.status == 400, response.body
    assert "avatarfile" in problem(response)["invalid-params"]
    assert api.get("/api/v1/accounts/alice").json()["avatars"] == []


def test_a_fifty_megapixel_banner_is_refused(api: ApiClient, people: Any, fifty_megapixels: bytes) -> None:
    alice = people["alice"]
    path = f"/api/v1/video-channels/{alice.channel_name}/banner/pick"
    response = _upload(api, path, "bannerfile", fifty_megapixels, alice.token)

    assert response.status == 400, response.body


def test_check_pixels_refuses_without_decoding(fifty_megapixels: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check other image paths (remote thumbnails) call between open and load, whatever
    Pillow's own global limit is set to."""
    from PIL import Image

    from chalicelib.domain.images import check_pixels

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    with Image.open(io.BytesIO(fifty_megapixels)) as image, pytest.raises(Image.DecompressionBombError):
        check_pixels(image)


def test_an_image_under_the_cap_is_accepted(api: ApiClient, people: Any) -> None:
    response = _upload(api, "/api/v1/users/me/avatar/pick", "avatarfile", _png(2000, 2000), people["bob"].token)
    assert response.status == 200, response.body
