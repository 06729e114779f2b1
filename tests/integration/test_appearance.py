"""The instance's look: its avatar, banner and logos, its homepage and its themes (PeerTube's
/api/v1/config/instance-*, /api/v1/custom-pages/homepage/instance and ServerConfig.theme)."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
from PIL import Image

from chalicelib import aws as aws_clients
from chalicelib.config import get_settings
from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD
from tests.members import Member, make_member
from tests.openapi import SERVER_CONFIG_DEVIATIONS, assert_conforms

HOMEPAGE = "/api/v1/custom-pages/homepage/instance"


def _image(size: tuple[int, int] = (640, 480), image_format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, image_format)
    return buffer.getvalue()


def _upload(api: ApiClient, path: str, field: str, data: bytes, token: str | None) -> ApiResponse:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="x.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return api.request("POST", path, body=body, headers=headers)


def _media_exists(path: str) -> bool:
    try:
        aws_clients.s3().head_object(Bucket=get_settings().media_bucket, Key=path.lstrip("/"))
    except Exception:
        return False
    return True


def _config(api: ApiClient) -> dict[str, Any]:
    response = api.get("/api/v1/config")
    assert response.status == 200, response.body
    document: dict[str, Any] = response.json()
    assert_conforms("ServerConfig", document, known_deviations=SERVER_CONFIG_DEVIATIONS)
    return document


@pytest.fixture
def root(api: ApiClient) -> str:
    return str(api.login("root", ROOT_PASSWORD)["access_token"])


@pytest.fixture
def alice(api: ApiClient, root: str) -> Member:
    return make_member(api, root, "alice")


IMAGES = [
    ("/api/v1/config/instance-avatar", "avatarfile", "avatars", [(1500, 1500), (600, 600), (120, 120), (48, 48)]),
    ("/api/v1/config/instance-banner", "bannerfile", "banners", [(1920, 317), (600, 100)]),
]


@pytest.mark.parametrize(("path", "field", "kind", "sizes"), IMAGES)
def test_instance_images_show_in_the_config_about_and_the_instance_actor(
    api: ApiClient, root: str, path: str, field: str, kind: str, sizes: list[tuple[int, int]]
) -> None:
    assert _config(api)["instance"][kind] == []
    response = _upload(api, f"{path}/pick", field, _image(), root)
    assert response.status == 204, response.body
    shown = _config(api)["instance"][kind]
    assert [(i["width"], i["height"]) for i in shown] == sizes
    assert all(_media_exists(i["path"]) for i in shown)
    about = api.get("/api/v1/config/about").json()
    assert_conforms("ServerConfigAbout", about)
    assert about["instance"][kind] == shown
    # The instance actor's ActivityPub document carries them, as PeerTube's (icon / image).
    actor = api.request("GET", "/accounts/peertube", headers={"Accept": "application/activity+json"}).json()
    member = "icon" if kind == "avatars" else "image"
    assert {entry["url"] for entry in actor[member]} <= {i["fileUrl"] for i in shown}

    # A new image replaces the old files; removing leaves none.
    assert _upload(api, f"{path}/pick", field, _image((800, 800)), root).status == 204
    again = _config(api)["instance"][kind]
    assert {i["path"] for i in again}.isdisjoint({i["path"] for i in shown})
    assert not any(_media_exists(i["path"]) for i in shown)
    removed = api.delete_as(path, root)
    assert removed.status == 204, removed.body
    assert _config(api)["instance"][kind] == []
    assert not any(_media_exists(i["path"]) for i in again)


@pytest.mark.parametrize(("path", "field", "kind", "sizes"), IMAGES)
def test_instance_images_need_an_administrator_and_an_image(
    api: ApiClient, root: str, alice: Member, path: str, field: str, kind: str, sizes: list[tuple[int, int]]
) -> None:
    del sizes
    assert _upload(api, f"{path}/pick", field, _image(), None).status == 401
    assert _upload(api, f"{path}/pick", field, _image(), alice.token).status == 403
    assert api.delete_as(path, None).status == 401
    assert api.delete_as(path, alice.token).status == 403
    for bad in (b"not an image at all", b"", _image() + b"x" * (8 * 1024 * 1024)):
        refused = _upload(api, f"{path}/pick", field, bad, root)
        # PeerTube's own tests expect 400 for a file over the size limit too.
        assert refused.status == 400, refused.body
        assert refused.content_type.startswith("application/problem+json")
    assert _config(api)["instance"][kind] == []  # nothing stored


def test_logos_replace_the_fallbacks_of_their_type(api: ApiClient, root: str, alice: Member) -> None:
    before = _config(api)["instance"]["logo"]
    assert {logo["type"] for logo in before} == {"favicon", "header-square", "header-wide"}
    assert all(logo["isFallback"] for logo in before)

    path = "/api/v1/config/instance-logo/header-wide/pick"
    assert _upload(api, path, "logofile", _image((800, 200)), None).status == 401
    assert _upload(api, path, "logofile", _image((800, 200)), alice.token).status == 403
    assert _upload(api, path, "logofile", b"GIF89a nope", root).status == 400
    bad_type = _upload(api, "/api/v1/config/instance-logo/sidebar/pick", "logofile", _image(), root)
    assert bad_type.status == 400, bad_type.body

    assert _upload(api, path, "logofile", _image((800, 200)), root).status == 204
    assert _upload(api, "/api/v1/config/instance-logo/opengraph/pick", "logofile", _image(), root).status == 204
    logos = _config(api)["instance"]["logo"]
    wide = [logo for logo in logos if logo["type"] == "header-wide"]
    assert [(w["width"], w["height"], w["isFallback"]) for w in wide] == [(272, 68, False)]
    assert [logo["type"] for logo in logos if logo["type"] == "opengraph"] == ["opengraph"]
    assert next(logo for logo in logos if logo["type"] == "favicon")["isFallback"] is True

    assert api.delete_as("/api/v1/config/instance-logo/header-wide", alice.token).status == 403
    assert api.delete_as("/api/v1/config/instance-logo/header-wide", root).status == 204
    assert api.delete_as("/api/v1/config/instance-logo/nope", root).status == 400
    after = _config(api)["instance"]["logo"]
    assert [logo["isFallback"] for logo in after if logo["type"] == "header-wide"] == [True]


def test_the_homepage(api: ApiClient, root: str, alice: Member) -> None:
    assert api.get(HOMEPAGE).status == 404
    assert _config(api)["homepage"] == {"enabled": False}

    assert api.put_json(HOMEPAGE, {"content": "# Hi"}, None).status == 401
    assert api.put_json(HOMEPAGE, {"content": "# Hi"}, alice.token).status == 403
    assert api.put_json(HOMEPAGE, {"content": 42}, root).status == 400
    assert api.put_json(HOMEPAGE, {"content": "x" * 100_001}, root).status == 413
    assert api.get(HOMEPAGE).status == 404  # nothing stored

    page = "# Welcome\n\nWe film **clouds**."
    saved = api.put_json(HOMEPAGE, {"content": page}, root)
    assert saved.status == 204, saved.body
    shown = api.get(HOMEPAGE)
    assert shown.status == 200
    assert_conforms("CustomHomepage", shown.json())
    assert shown.json() == {"content": page}
    assert _config(api)["homepage"] == {"enabled": True}

    # An empty page turns the homepage off, as PeerTube's client sees it.
    assert api.put_json(HOMEPAGE, {"content": ""}, root).status == 204
    assert api.get(HOMEPAGE).json() == {"content": ""}
    assert _config(api)["homepage"] == {"enabled": False}


def test_themes_are_listed_and_chosen(api: ApiClient, root: str, alice: Member) -> None:
    theme = _config(api)["theme"]
    assert theme["default"] == "default"
    assert theme["builtIn"] == [{"name": "peertube-core-dark-brown"}, {"name": "peertube-core-light-beige"}]
    assert [t["name"] for t in theme["registered"]] == ["background-red"]
    assert theme["registered"][0]["css"] == ["assets/style1.css", "assets/style2.css"]

    custom = api.get_as("/api/v1/config/custom", root).json()
    custom["theme"]["default"] = "not-installed"
    assert api.put_json("/api/v1/config/custom", custom, root).status == 400
    custom["theme"]["default"] = "background-red"
    saved = api.put_json("/api/v1/config/custom", custom, root)
    assert saved.status == 200, saved.body
    assert _config(api)["theme"]["default"] == "background-red"

    # A user's own theme: a registered one or instance-default.
    assert api.put_json("/api/v1/users/me", {"theme": "nope"}, alice.token).status == 400
    for name in ("peertube-core-dark-brown", "instance-default"):
        assert api.put_json("/api/v1/users/me", {"theme": name}, alice.token).status == 204
        assert api.get_as("/api/v1/users/me", alice.token).json()["theme"] == name
