"""H1: a remote server may put any UUID in its Video objects, and local videos' UUIDs are
public. A Create, an Update or a Delete carrying a local video's UUID must change nothing of
that video (its record, its thumbnail and preview bytes, its watch page), and the peer's own
genuine activities that follow must still work."""

from __future__ import annotations

import uuid
from typing import Any

from tests.api_client import ApiClient
from tests.federation_peer import Peer
from tests.members import Member
from tests.security.fedmedia_support import (
    activity,
    follow_peer,
    image,
    local_images,
    local_video_with_images,
    send,
    serve,
)


def _local_state(api: ApiClient, video_uuid: str) -> dict[str, Any]:
    shown = api.get(f"/api/v1/videos/{video_uuid}")
    assert shown.status == 200
    body = shown.json()
    return {key: body[key] for key in ("id", "uuid", "name", "isLocal", "url", "thumbnailPath", "previewPath")}


def _setup(api: ApiClient, peer: Peer, alice: Member) -> tuple[Any, dict[str, Any], tuple[bytes | None, bytes | None]]:
    serve(peer, {"/icon.png": ("image/png", image("PNG", 560, 314))})
    follow_peer(api, peer)
    local = local_video_with_images(alice.account_id, alice.channel_id, "Alice's own")
    return local, _local_state(api, str(local.uuid)), local_images(local)


def _icon(peer: Peer) -> list[dict[str, Any]]:
    return [{"type": "Image", "url": f"{peer.base}/icon.png", "mediaType": "image/png", "width": 280, "height": 157}]


def test_a_create_with_a_local_uuid_changes_nothing(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    local, state, images = _setup(api, peer, people["alice"])

    stolen = peer.video(str(local.uuid), "Hijacked", icon=_icon(peer))
    send(api, peer, peer.create(stolen))

    assert _local_state(api, str(local.uuid)) == state
    assert local_images(local) == images
    assert api.get("/api/v1/videos?isLocal=false").json()["total"] == 0

    # The peer's genuine video that follows is stored.
    genuine = peer.video(str(uuid.uuid4()), "Genuine", icon=_icon(peer))
    send(api, peer, peer.create(genuine))
    assert api.get(f"/api/v1/videos/{genuine['uuid']}").json()["name"] == "Genuine"


def test_an_update_cannot_move_a_remote_video_onto_a_local_uuid_nor_a_delete_take_it(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    local, state, images = _setup(api, peer, people["alice"])
    own_uuid = str(uuid.uuid4())
    document = peer.video(own_uuid, "Peer's video", icon=_icon(peer))
    send(api, peer, peer.create(document))
    remote_id = api.get(f"/api/v1/videos/{own_uuid}").json()["id"]

    # Update: the same video (same URL), now with the local video's UUID.
    moved = dict(document, uuid=str(local.uuid), name="Hijacked", updated="2026-11-02T10:00:00.000Z")
    send(api, peer, activity(peer, "Update", moved, "1"))
    assert _local_state(api, str(local.uuid)) == state
    assert local_images(local) == images
    remote = api.get(f"/api/v1/videos/{own_uuid}").json()
    assert (remote["id"], remote["uuid"], remote["name"]) == (remote_id, own_uuid, "Peer's video")

    # Delete of that remote video: its own claims go, the local video's stay.
    send(api, peer, activity(peer, "Delete", document, "1"))
    assert api.get(f"/api/v1/videos/{own_uuid}").status == 404
    assert _local_state(api, str(local.uuid)) == state
    assert local_images(local) == images
    search = api.get(f"/api/v1/search/videos?search={local.uuid}").json()
    assert [v["uuid"] for v in search["data"]] == [str(local.uuid)]

    # A genuine Create, Update and Delete of the peer's own video still work.
    fresh_uuid = str(uuid.uuid4())
    fresh = peer.video(fresh_uuid, "Fresh", icon=_icon(peer))
    send(api, peer, peer.create(fresh))
    renamed = dict(fresh, name="Fresh, renamed", updated="2026-11-03T10:00:00.000Z")
    send(api, peer, activity(peer, "Update", renamed, "2"))
    assert api.get(f"/api/v1/videos/{fresh_uuid}").json()["name"] == "Fresh, renamed"
    send(api, peer, activity(peer, "Delete", fresh, "2"))
    assert api.get(f"/api/v1/videos/{fresh_uuid}").status == 404
    assert _local_state(api, str(local.uuid)) == state and local_images(local) == images


def test_a_delete_naming_a_local_video_is_ignored(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    local, state, images = _setup(api, peer, people["alice"])
    attack = {"type": "Delete", "id": f"{peer.base}/deletes/1", "actor": peer.url("carol"), "object": local.url}
    send(api, peer, attack)
    assert _local_state(api, str(local.uuid)) == state
    assert local_images(local) == images
