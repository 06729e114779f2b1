"""C2: a remote server's thumbnail is served again from the instance's own origin, so it must
never be anything but a re-encoded raster image: an SVG (script in our origin), an SVG sent
as image/jpeg, a WebP or PNG of too many pixels, all leave no trace in the media bucket; a
genuine image is stored re-encoded as JPEG, under a name of ours, as image/jpeg."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest

from chalicelib.media import layout
from tests.api_client import ApiClient
from tests.federation_peer import Peer
from tests.members import Member
from tests.security.fedmedia_support import (
    SVG,
    follow_peer,
    image,
    many_pixels_png,
    media_objects,
    send,
    serve,
)

BAD_IMAGES = {
    "/svg": ("image/svg+xml", SVG),
    "/svg-as-jpeg": ("image/jpeg", SVG),
    "/svg-any-image": ("image/*", SVG),
    "/gif": ("image/gif", image("GIF")),  # a type beyond JPEG, PNG and WebP
    "/html-as-png": ("image/png", b"<html><script>alert(document.domain)</script></html>"),
    "/png-too-many-pixels": ("image/png", many_pixels_png(8000, 6250)),  # 50 MP in a few KB
}


def _icon(peer: Peer, path: str) -> list[dict[str, Any]]:
    return [{"type": "Image", "url": f"{peer.base}{path}", "mediaType": "image/jpeg", "width": 280, "height": 157}]


def _created(api: ApiClient, peer: Peer, path: str) -> tuple[str, dict[str, Any]]:
    video_uuid = str(uuid.uuid4())
    document = peer.video(video_uuid, f"icon {path}", icon=_icon(peer, path))
    send(api, peer, peer.create(document))
    shown = api.get(f"/api/v1/videos/{video_uuid}")
    assert shown.status == 200, "the video itself is stored; only its image is refused"
    return video_uuid, shown.json()


@pytest.mark.parametrize("path", sorted(BAD_IMAGES))
def test_a_remote_thumbnail_that_is_not_a_safe_raster_image_is_not_stored(
    peer: Peer, api: ApiClient, people: dict[str, Member], path: str
) -> None:
    serve(peer, BAD_IMAGES)
    follow_peer(api, peer)
    before = media_objects()

    video_uuid, shown = _created(api, peer, path)

    assert shown["thumbnailPath"] is None and shown["previewPath"] is None
    added = {key: value for key, value in media_objects().items() if key not in before}
    assert added == {}, f"{path}: stored {sorted(added)}"
    assert api.get(f"/{layout.thumbnail_key(video_uuid)}").status != 200


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "WEBP"])
def test_a_genuine_remote_thumbnail_is_re_encoded_under_a_name_of_ours(
    peer: Peer, api: ApiClient, people: dict[str, Member], kind: str
) -> None:
    from PIL import Image

    served = image(kind, 640, 360)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[kind]
    serve(peer, {"/good": (content_type, served)})
    follow_peer(api, peer)

    video_uuid, shown = _created(api, peer, "/good")

    thumbnail_path, preview_path = shown["thumbnailPath"], shown["previewPath"]
    assert thumbnail_path and preview_path
    assert video_uuid not in thumbnail_path and video_uuid not in preview_path  # never the remote's name
    objects = media_objects()
    for path, size in ((thumbnail_path, (280, 157)), (preview_path, (850, 480))):
        stored_type, body = objects[path.lstrip("/")]
        assert stored_type == "image/jpeg" and body != served
        with Image.open(io.BytesIO(body)) as decoded:
            assert (decoded.format, decoded.size) == ("JPEG", size)
    listed = api.get("/api/v1/videos?isLocal=false").json()["data"]
    assert [v["thumbnailPath"] for v in listed] == [thumbnail_path]

    # A new icon on Update: a new copy under a new name, and the old one is gone.
    newer = peer.video(video_uuid, "icon /good", icon=_icon(peer, "/good?v=2"), updated="2026-11-03T10:00:00.000Z")
    send(api, peer, {"type": "Update", "id": f"{newer['id']}/updates/2", "actor": peer.url("carol"), "object": newer})
    again = api.get(f"/api/v1/videos/{video_uuid}").json()
    assert again["thumbnailPath"] and again["thumbnailPath"] != thumbnail_path
    remaining = media_objects()
    assert thumbnail_path.lstrip("/") not in remaining and again["thumbnailPath"].lstrip("/") in remaining


def test_a_remote_playlist_icon_is_held_to_the_same_rule(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    from tests.integration.test_federation_playlists import activity, remote_playlist

    serve(peer, {**BAD_IMAGES, "/good.png": ("image/png", image("PNG", 560, 314))})
    follow_peer(api, peer)
    before = media_objects()
    icon = {"type": "Image", "url": f"{peer.base}/svg", "mediaType": "image/png", "width": 280, "height": 157}
    hostile = remote_playlist(peer, "hostile icon", videos=0, icon=icon)
    send(api, peer, activity(peer, "Create", hostile))
    shown = api.get(f"/api/v1/video-playlists/{hostile['uuid']}").json()
    assert shown["thumbnailPath"] is None
    assert {k: v for k, v in media_objects().items() if k not in before} == {}

    genuine = remote_playlist(peer, "genuine icon", videos=0, icon={**icon, "url": f"{peer.base}/good.png"})
    send(api, peer, activity(peer, "Create", genuine))
    path = api.get(f"/api/v1/video-playlists/{genuine['uuid']}").json()["thumbnailPath"]
    assert path and path.startswith("/lazy-static/thumbnails/playlist-")
    stored_type, body = media_objects()[path.lstrip("/")]
    assert stored_type == "image/jpeg" and body.startswith(b"\xff\xd8")
