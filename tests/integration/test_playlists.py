"""Video playlists and their elements, as PeerTube's REST API answers them."""

from __future__ import annotations

import io
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from PIL import Image

from chalicelib import aws as aws_clients
from chalicelib.config import get_settings
from chalicelib.domain.short_uuid import to_short
from chalicelib.media import layout
from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD
from tests.members import Member
from tests.openapi import ELEMENT_NULLS, PLAYLIST_NULLS, VIDEO_NULLS, assert_conforms
from tests.video_seed import add_video

PLAYLISTS = "/api/v1/video-playlists"


def _errors(response: ApiResponse) -> dict[str, Any]:
    return dict(response.json().get("invalid-params") or {})


def _detail(response: ApiResponse) -> tuple[int, str]:
    return response.status, response.json()["detail"]


def stored() -> list[tuple[str, str, str]]:
    """Every playlist item, element slot and playlist claim, with its attributes."""
    from chalicelib.store.models import TableItem

    wanted = ("PLAYLIST#", "PLAYLISTUUID#", "WATCHLATER#")
    return sorted(
        (item.pk, item.sk, repr(sorted(item.attribute_values.items())))
        for item in TableItem.scan()
        if item.pk.startswith(wanted)
    )


def media_keys() -> set[str]:
    listed = aws_clients.s3().list_objects_v2(Bucket=get_settings().media_bucket)
    return {item["Key"] for item in listed.get("Contents", [])}


def _jpeg(size: tuple[int, int] = (640, 360)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def multipart(
    api: ApiClient, method: str, url: str, fields: dict[str, str], token: str, image: bytes | None = None
) -> ApiResponse:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    if image is not None:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="thumbnailfile"; filename="t.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode()
            + image
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Authorization": f"Bearer {token}"}
    return api.request(method, url, body=body, headers=headers)


def create(api: ApiClient, member: Member, name: str, privacy: int = 1, **extra: Any) -> dict[str, Any]:
    document = {"displayName": name, "privacy": privacy, "videoChannelId": member.channel_id, **extra}
    response = api.post_json(PLAYLISTS, document, member.token)
    assert response.status == 200, response.body
    return dict(response.json()["videoPlaylist"])


def add(api: ApiClient, member: Member, playlist: int | str, video: int | str, **extra: Any) -> int:
    response = api.post_json(f"{PLAYLISTS}/{playlist}/videos", {"videoId": video, **extra}, member.token)
    assert response.status == 200, response.body
    assert list(response.json()) == ["videoPlaylistElement"]
    return int(response.json()["videoPlaylistElement"]["id"])


def videos_of(api: ApiClient, playlist: int | str, token: str | None = None) -> list[tuple[int, str | None]]:
    data = api.get_as(f"{PLAYLISTS}/{playlist}/videos?count=100", token).json()["data"]
    assert [e["position"] for e in data] == list(range(1, len(data) + 1))  # dense
    return [(e["position"], e["video"]["name"] if e["video"] else None) for e in data]


@pytest.fixture
def root(api: ApiClient) -> str:
    return str(api.login("root", ROOT_PASSWORD)["access_token"])


def test_privacies(api: ApiClient) -> None:
    response = api.get(f"{PLAYLISTS}/privacies")
    assert response.status == 200
    assert response.json() == {"1": "Public", "2": "Unlisted", "3": "Private"}


def test_create_read_update_delete(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    created = create(api, alice, "Road trip", description="Songs for the road")
    assert list(created) == ["id", "shortUUID", "uuid"]
    assert created["shortUUID"] == to_short(created["uuid"])

    for reference in (created["id"], created["uuid"], created["shortUUID"]):
        response = api.get(f"{PLAYLISTS}/{reference}")
        assert response.status == 200
        body = response.json()
        assert_conforms("VideoPlaylist", body, known_deviations=PLAYLIST_NULLS)
    assert list(body) == [
        "id", "uuid", "shortUUID", "isLocal", "url", "displayName", "description", "privacy", "thumbnailPath",
        "embedPath", "type", "videosLength", "createdAt", "updatedAt", "ownerAccount", "videoChannelPosition",
        "videoChannel",
    ]  # fmt: skip
    assert body["url"] == f"{get_settings().instance_url}/video-playlists/{created['uuid']}"
    assert body["embedPath"] == f"/video-playlists/embed/{created['shortUUID']}"
    assert body["privacy"] == {"id": 1, "label": "Public"}
    assert body["type"] == {"id": 1, "label": "Regular"}
    assert body["videosLength"] == 0
    assert body["thumbnailPath"] is None
    assert list(body["ownerAccount"]) == ["id", "displayName", "name", "url", "host", "avatars"]
    assert body["ownerAccount"]["name"] == "alice"
    assert list(body["videoChannel"]) == ["id", "name", "displayName", "url", "host", "avatars"]
    assert body["videoChannel"]["id"] == alice.channel_id
    assert body["videoChannelPosition"] == 1

    listed = api.get(PLAYLISTS)
    assert listed.status == 200
    assert listed.json()["total"] == 1
    assert_conforms("VideoPlaylist", listed.json()["data"][0], known_deviations=PLAYLIST_NULLS)

    changed = api.put_json(
        f"{PLAYLISTS}/{created['uuid']}", {"displayName": "Road trip 2", "description": None}, alice.token
    )
    assert changed.status == 204
    assert changed.body == b""
    assert changed.content_type.startswith("application/json")
    body = api.get(f"{PLAYLISTS}/{created['id']}").json()
    assert (body["displayName"], body["description"]) == ("Road trip 2", None)
    assert_conforms("VideoPlaylist", body, known_deviations=PLAYLIST_NULLS)

    removed = api.delete_as(f"{PLAYLISTS}/{created['id']}", alice.token)
    assert removed.status == 204
    assert removed.content_type.startswith("application/json")
    assert _detail(api.get(f"{PLAYLISTS}/{created['id']}")) == (404, "Video playlist not found")
    assert _detail(api.get(f"{PLAYLISTS}/{created['uuid']}")) == (404, "Video playlist not found")
    assert api.get(PLAYLISTS).json() == {"total": 0, "data": []}


def test_private_playlist_without_channel_and_multipart(api: ApiClient, people: dict[str, Member]) -> None:
    bob = people["bob"]
    before = media_keys()
    response = multipart(api, "POST", PLAYLISTS, {"displayName": "Mine", "description": "null"}, bob.token, _jpeg())
    assert response.status == 200, response.body
    body = api.get_as(f"{PLAYLISTS}/{response.json()['videoPlaylist']['id']}", bob.token).json()
    assert body["privacy"] == {"id": 3, "label": "Private"}  # the default
    assert (body["videoChannel"], body["videoChannelPosition"], body["description"]) == (None, None, None)
    path = body["thumbnailPath"]
    assert path.startswith("/lazy-static/thumbnails/playlist-") and path.endswith(".jpg")
    assert path.removeprefix("/lazy-static/thumbnails/playlist-").removesuffix(".jpg") != body["uuid"]
    assert media_keys() - before == {path.lstrip("/")}
    with Image.open(io.BytesIO(_media(path))) as image:
        assert (image.format, image.size) == ("JPEG", (280, 157))
    assert_conforms("VideoPlaylist", body, known_deviations=PLAYLIST_NULLS)

    # A new thumbnail gets a new name; the old file goes.
    replaced = multipart(api, "PUT", f"{PLAYLISTS}/{body['id']}", {"displayName": "Mine too"}, bob.token, _jpeg())
    assert replaced.status == 204
    after = api.get_as(f"{PLAYLISTS}/{body['id']}", bob.token).json()
    assert after["displayName"] == "Mine too"
    assert after["thumbnailPath"] != path
    assert media_keys() - before == {after["thumbnailPath"].lstrip("/")}
    assert api.delete_as(f"{PLAYLISTS}/{body['id']}", bob.token).status == 204
    assert media_keys() == before


def _media(path: str) -> bytes:
    found = aws_clients.s3().get_object(Bucket=get_settings().media_bucket, Key=path.lstrip("/"))
    return bytes(found["Body"].read())


def test_watch_later(api: ApiClient, people: dict[str, Member], root: str) -> None:
    alice, bob = people["alice"], people["bob"]
    mine = api.get_as("/api/v1/accounts/alice/video-playlists?playlistType=2", alice.token)
    assert mine.status == 200
    assert mine.json()["total"] == 1
    watch_later = mine.json()["data"][0]
    assert_conforms("VideoPlaylist", watch_later, known_deviations=PLAYLIST_NULLS)
    assert watch_later["displayName"] == "Watch later"
    assert watch_later["type"] == {"id": 2, "label": "Watch later"}
    assert watch_later["privacy"] == {"id": 3, "label": "Private"}
    special = api.get_as("/api/v1/users/me", alice.token).json()["specialPlaylists"]
    assert special == [{"id": watch_later["id"], "name": "Watch later", "type": 2}]
    assert (watch_later["description"], watch_later["videoChannel"]) == (None, None)

    # Only its owner sees it.
    assert api.get("/api/v1/accounts/alice/video-playlists").json()["total"] == 0
    assert api.get_as("/api/v1/accounts/alice/video-playlists", bob.token).json()["total"] == 0
    assert api.get(f"{PLAYLISTS}?playlistType=2").json()["total"] == 0

    # Its elements work as anywhere else.
    video = add_video(bob.account_id, bob.channel_id, "later")
    add(api, alice, watch_later["id"], video.uuid)
    assert videos_of(api, watch_later["id"], alice.token) == [(1, "later")]

    url = f"{PLAYLISTS}/{watch_later['id']}"
    before = stored()
    update = api.put_json(url, {"displayName": "Soon"}, alice.token)
    assert _detail(update) == (400, "Cannot update a watch later playlist.")
    assert _detail(api.delete_as(url, alice.token)) == (400, "Cannot delete a watch later playlist.")
    # The Watch later check comes before the owner check: others get 400 too.
    assert _detail(api.delete_as(url, bob.token)) == (400, "Cannot delete a watch later playlist.")
    assert _detail(api.delete_as(url, root)) == (400, "Cannot delete a watch later playlist.")
    assert stored() == before


def test_who_may_read_and_manage(api: ApiClient, people: dict[str, Member], root: str) -> None:
    alice, bob, mod = people["alice"], people["bob"], people["mod"]
    private = api.post_json(PLAYLISTS, {"displayName": "Secret"}, bob.token).json()["videoPlaylist"]
    unlisted = create(api, bob, "Hidden", privacy=2)

    url = f"{PLAYLISTS}/{private['id']}"
    assert _detail(api.get(url)) == (401, "Authentication is required")
    assert _detail(api.get_as(url, alice.token)) == (403, "Cannot manage video playlist of another user")
    assert _detail(api.get_as(url, mod.token)) == (403, "Cannot manage video playlist of another user")
    assert api.get_as(url, bob.token).status == 200
    assert api.get_as(url, root).status == 200  # administrators have UPDATE_ANY_VIDEO_PLAYLIST
    assert _detail(api.get(f"{url}/videos")) == (401, "Authentication is required")

    assert _detail(api.get(f"{PLAYLISTS}/{unlisted['id']}")) == (404, "Playlist not found")
    assert api.get(f"{PLAYLISTS}/{unlisted['uuid']}").status == 200
    assert api.get(f"{PLAYLISTS}/{unlisted['shortUUID']}/videos").status == 200
    assert api.get(PLAYLISTS).json()["total"] == 0  # neither is listed

    # Moderators may update and delete others' playlists, but not touch their elements.
    video = add_video(alice.account_id, alice.channel_id, "clip")
    before = stored()
    refused = api.post_json(f"{url}/videos", {"videoId": video.id}, mod.token)
    assert _detail(refused) == (403, "Cannot manage video playlist of another user")
    refused = api.put_json(url, {"displayName": "Mine now"}, alice.token)
    assert _detail(refused) == (403, "Cannot manage video playlist of another user")
    assert _detail(api.delete_as(url, alice.token)) == (403, "Cannot manage video playlist of another user")
    assert stored() == before
    assert api.put_json(url, {"displayName": "Moderated"}, mod.token).status == 204
    assert api.get_as(url, bob.token).json()["displayName"] == "Moderated"
    assert api.delete_as(url, mod.token).status == 204
    assert api.get_as(url, bob.token).status == 404


def test_elements(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    playlist = create(api, alice, "Mix")
    first = add_video(bob.account_id, bob.channel_id, "first", minutes=1)
    second = add_video(alice.account_id, alice.channel_id, "second", minutes=2)
    hidden = add_video(bob.account_id, bob.channel_id, "bob private", minutes=3)
    one = add(api, alice, playlist["id"], first.uuid, startTimestamp=0, stopTimestamp=30)
    add(api, alice, playlist["shortUUID"], to_short(second.uuid), startTimestamp=5)
    add(api, alice, playlist["uuid"], str(first.id))  # the same video again: allowed
    # Someone else's private video cannot be added (security review H4; PeerTube allows it),
    # but a video added while public may turn private later.
    add(api, alice, playlist["id"], hidden.id)
    assert api.put_json(f"/api/v1/videos/{hidden.id}", {"privacy": 3}, bob.token).status == 204

    page = api.get(f"{PLAYLISTS}/{playlist['id']}/videos")
    assert page.status == 200
    body = page.json()
    assert body["total"] == 4
    for element in body["data"]:
        assert list(element) == ["id", "position", "startTimestamp", "stopTimestamp", "type", "video"]
        # The video is checked on its own below, with the Video deviations.
        assert_conforms("PlaylistElement", {**element, "video": None}, known_deviations=ELEMENT_NULLS)
        if element["video"] is not None:
            assert_conforms("Video", element["video"], known_deviations=VIDEO_NULLS)
    assert body["data"][0]["id"] == one
    assert (body["data"][0]["startTimestamp"], body["data"][0]["stopTimestamp"]) == (None, 30)  # 0 → null
    assert body["data"][1]["startTimestamp"] == 5
    assert [(e["type"], e["video"] is None) for e in body["data"]] == [(0, False), (0, False), (0, False), (2, True)]
    # The owner of the private video sees it.
    owner_view = api.get_as(f"{PLAYLISTS}/{playlist['id']}/videos", bob.token).json()["data"][3]
    assert (owner_view["type"], owner_view["video"]["name"]) == (0, "bob private")
    assert api.get(f"{PLAYLISTS}/{playlist['id']}").json()["videosLength"] == 4

    paged = api.get(f"{PLAYLISTS}/{playlist['id']}/videos?start=1&count=2").json()
    assert paged["total"] == 4
    assert [e["position"] for e in paged["data"]] == [2, 3]

    # On update, present fields are set verbatim: 0 stays 0, null clears.
    url = f"{PLAYLISTS}/{playlist['id']}/videos/{one}"
    assert api.put_json(url, {"startTimestamp": 0, "stopTimestamp": None}, alice.token).status == 204
    element = api.get(f"{PLAYLISTS}/{playlist['id']}/videos").json()["data"][0]
    assert (element["startTimestamp"], element["stopTimestamp"]) == (0, None)

    # A deleted video stays in the playlist, as DELETED.
    from chalicelib.store import catalog
    from chalicelib.store.models import Video

    Video.get(f"VIDEO#{second.id}", "ENTITY").delete()
    catalog.reset()
    gone = api.get(f"{PLAYLISTS}/{playlist['id']}/videos").json()["data"][1]
    assert (gone["type"], gone["video"]) == (1, None)

    # Removing keeps positions dense.
    removed = api.delete_as(url, alice.token)
    assert removed.status == 204
    assert videos_of(api, playlist["id"]) == [(1, None), (2, "first"), (3, None)]
    assert api.get(f"{PLAYLISTS}/{playlist['id']}").json()["videosLength"] == 3


def test_videos_exist(api: ApiClient, people: dict[str, Member]) -> None:
    alice, bob = people["alice"], people["bob"]
    playlist = create(api, alice, "Mix")
    video = add_video(bob.account_id, bob.channel_id, "v1")
    other = add_video(bob.account_id, bob.channel_id, "v2")
    element = add(api, alice, playlist["id"], video.id, startTimestamp=3)
    add(api, bob, create(api, bob, "Bob's")["id"], other.id)  # bob's playlists are not alice's

    url = f"/api/v1/users/me/video-playlists/videos-exist?videoIds={video.id}&videoIds={other.id}&videoIds=999"
    response = api.get_as(url, alice.token)
    assert response.status == 200
    assert response.json() == {
        str(video.id): [
            {
                "playlistElementId": element,
                "playlistId": playlist["id"],
                "playlistDisplayName": "Mix",
                "playlistShortUUID": playlist["shortUUID"],
                "startTimestamp": 3,
                "stopTimestamp": None,
            }
        ],
        str(other.id): [],
        "999": [],
    }
    assert api.get_as("/api/v1/users/me/video-playlists/videos-exist", alice.token).json() == {}
    bad = api.get_as("/api/v1/users/me/video-playlists/videos-exist?videoIds=abc", alice.token)
    assert bad.status == 400
    assert _errors(bad)["videoIds"]["msg"] == "Should have a valid video ids array"
    assert api.get("/api/v1/users/me/video-playlists/videos-exist?videoIds=1").status == 401


def test_reorder(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    playlist = create(api, alice, "Ordered")["id"]
    for n in range(1, 10):
        add(api, alice, playlist, add_video(alice.account_id, alice.channel_id, str(n), minutes=n).id)

    def reorder(start: int, after: int, length: int | None = None) -> list[str | None]:
        body = {"startPosition": start, "insertAfterPosition": after}
        if length is not None:
            body["reorderLength"] = length
        response = api.post_json(f"{PLAYLISTS}/{playlist}/videos/reorder", body, alice.token)
        assert response.status == 204, response.body
        return [name for _, name in videos_of(api, playlist)]

    assert reorder(2, 5) == ["1", "3", "4", "5", "2", "6", "7", "8", "9"]  # PeerTube's example
    assert reorder(5, 1) == ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
    assert reorder(1, 9) == ["2", "3", "4", "5", "6", "7", "8", "9", "1"]
    assert reorder(9, 0) == ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
    assert reorder(7, 1, 3) == ["1", "7", "8", "9", "2", "3", "4", "5", "6"]
    assert reorder(2, 9, 3) == ["1", "2", "3", "4", "5", "6", "7", "8", "9"]
    assert reorder(4, 4) == ["1", "2", "3", "4", "5", "6", "7", "8", "9"]  # nothing to do
    # insertAfterPosition inside the moved block: PeerTube does not refuse it and its three
    # position updates collide; here the old order breaks the tie, so positions stay dense.
    assert reorder(3, 4, 3) == ["1", "2", "3", "4", "5", "6", "7", "8", "9"]


def test_reorder_touches_only_the_moved_range(
    api: ApiClient, people: dict[str, Member], dynamodb_writes: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.store import catalog

    alice = people["alice"]
    playlist = create(api, alice, "Long")["id"]
    for n in range(1, 31):
        add(api, alice, playlist, add_video(alice.account_id, alice.channel_id, str(n), minutes=n).id)
    # Every catalogue read is a Query below, whatever the timing (until `undo`).
    monkeypatch.setattr(catalog, "FOLLOW_INTERVAL", 0.0)
    dynamodb_writes.clear()
    body = {"startPosition": 10, "insertAfterPosition": 12}
    assert api.post_json(f"{PLAYLISTS}/{playlist}/videos/reorder", body, alice.token).status == 204
    assert dynamodb_writes["slots"] == 3  # positions 10, 11, 12 only
    # token, user, playlist; the slots 10-12; one transaction; the public playlist's Update
    # (federation: the playlist as it is now, its owner and channel)
    assert dict(dynamodb_writes) == {"GetItem": 4, "Query": 1, "TransactWriteItems": 1, "slots": 3, "BatchGetItem": 1}
    dynamodb_writes.clear()
    assert api.get(f"{PLAYLISTS}/{playlist}/videos?start=20&count=5").status == 200
    assert dict(dynamodb_writes) == {"GetItem": 1, "Query": 2}  # playlist; slots 21-25; catalogue changes
    dynamodb_writes.clear()
    assert api.get(f"{PLAYLISTS}/{playlist}").status == 200
    assert dict(dynamodb_writes) == {"GetItem": 1, "BatchGetItem": 1}  # playlist; owner and channel
    dynamodb_writes.clear()
    assert api.post_json(f"{PLAYLISTS}/{playlist}/videos", {"videoId": 1}, alice.token).status == 200
    # token, user, playlist, video; the catalogue's changes (a video whose account or channel
    # is being deleted is not found); the element id; the new slot with the playlist's
    # counters; the Update (playlist, owner and channel)
    assert dict(dynamodb_writes) == {
        "Query": 1,
        "GetItem": 5,
        "UpdateItem": 1,
        "TransactWriteItems": 1,
        "slots": 1,
        "BatchGetItem": 1,
    }
    monkeypatch.undo()
    dynamodb_writes.clear()
    assert api.delete_as(f"{PLAYLISTS}/{playlist}/videos/25", alice.token).status == 204
    # token, user, playlist; where element 25 is; slots 25-31; positions 26-31 move down one;
    # the Update (playlist, owner and channel)
    assert dict(dynamodb_writes) == {"GetItem": 4, "Query": 2, "TransactWriteItems": 1, "slots": 6, "BatchGetItem": 1}
    dynamodb_writes.clear()
    assert api.get(f"{PLAYLISTS}").status == 200
    # the catalogue's changes (the instance's follows decide which remote playlists are
    # listed); the newest public playlists; their actors
    assert dict(dynamodb_writes) == {"Query": 2, "BatchGetItem": 1}


@pytest.fixture
def dynamodb_writes() -> Iterator[Counter[str]]:
    """DynamoDB calls by operation, and the element slots written by transactions."""
    from chalicelib.store.models import TableItem

    calls: Counter[str] = Counter()
    client = TableItem._get_connection().connection.client

    def count(model: Any, **_: Any) -> None:
        calls[model.name] += 1

    def count_slots(params: Any, **_: Any) -> None:
        for item in params.get("TransactItems", []):
            key = (item.get("Put") or {}).get("Item", {}).get("sk", {}).get("S", "")
            if key.startswith("POSITION#"):
                calls["slots"] += 1

    client.meta.events.register("before-call.dynamodb", count)
    client.meta.events.register("before-parameter-build.dynamodb.TransactWriteItems", count_slots)
    yield calls
    client.meta.events.unregister("before-call.dynamodb", count)
    client.meta.events.unregister("before-parameter-build.dynamodb.TransactWriteItems", count_slots)


def test_channel_and_account_lists(api: ApiClient, people: dict[str, Member], root: str) -> None:
    alice, bob = people["alice"], people["bob"]
    first = create(api, alice, "B first")
    second = create(api, alice, "A second", privacy=2)
    third = create(api, alice, "C third")
    channel_url = f"/api/v1/video-channels/{alice.channel_name}/video-playlists"

    public = api.get(channel_url)
    assert public.status == 200
    assert [p["displayName"] for p in public.json()["data"]] == ["C third", "B first"]  # -createdAt
    for item in public.json()["data"]:
        assert_conforms("VideoPlaylist", item, known_deviations=PLAYLIST_NULLS)
    mine = api.get_as(f"{channel_url}?sort=videoChannelPosition", alice.token).json()
    assert [(p["displayName"], p["videoChannelPosition"]) for p in mine["data"]] == [
        ("B first", 1),
        ("A second", 2),
        ("C third", 3),
    ]
    assert [p["displayName"] for p in api.get(f"{PLAYLISTS}?sort=name").json()["data"]] == ["B first", "C third"]
    assert api.get(f"{PLAYLISTS}?sort=-name&count=1").json()["data"][0]["displayName"] == "C third"

    # Deleting one closes the gap in the channel's positions.
    assert api.delete_as(f"{PLAYLISTS}/{first['id']}", alice.token).status == 204
    mine = api.get_as(f"{channel_url}?sort=videoChannelPosition", alice.token).json()
    assert [(p["id"], p["videoChannelPosition"]) for p in mine["data"]] == [(second["id"], 1), (third["id"], 2)]

    # Detaching from the channel: private, no position; the others move up.
    detached = api.put_json(f"{PLAYLISTS}/{second['id']}", {"privacy": 3, "videoChannelId": None}, alice.token)
    assert detached.status == 204
    body = api.get_as(f"{PLAYLISTS}/{second['id']}", alice.token).json()
    assert (body["videoChannel"], body["videoChannelPosition"]) == (None, None)
    assert api.get_as(f"{PLAYLISTS}/{third['id']}", alice.token).json()["videoChannelPosition"] == 1

    account = api.get_as("/api/v1/accounts/alice/video-playlists?search=third", alice.token).json()
    assert [p["displayName"] for p in account["data"]] == ["C third"]
    named = f"/api/v1/accounts/alice/video-playlists?channelNameOneOf={alice.channel_name}"
    assert [p["id"] for p in api.get(named).json()["data"]] == [third["id"]]
    assert api.get("/api/v1/accounts/alice/video-playlists?channelNameOneOf=nobody").json()["total"] == 0
    everything = api.get_as("/api/v1/accounts/alice/video-playlists", alice.token).json()
    assert everything["total"] == 3  # with the private one and Watch later
    assert api.get_as("/api/v1/accounts/alice/video-playlists", bob.token).json()["total"] == 1

    # Unlisted without a channel is reachable through PUT (not through POST), as in PeerTube.
    assert api.put_json(f"{PLAYLISTS}/{second['id']}", {"privacy": 2}, alice.token).status == 204

    assert _detail(api.get("/api/v1/accounts/nobody/video-playlists")) == (404, "Account not found")
    assert _detail(api.get("/api/v1/video-channels/nobody/video-playlists")) == (404, "Video channel not found")


def test_automatic_thumbnail_follows_the_first_video(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    with_image = add_video(alice.account_id, alice.channel_id, "pictured", has_images=True)
    aws_clients.s3().put_object(
        Bucket=get_settings().media_bucket, Key=layout.thumbnail_key(with_image.uuid), Body=_jpeg()
    )
    plain = add_video(alice.account_id, alice.channel_id, "plain")
    playlist = create(api, alice, "Auto")["id"]
    add(api, alice, playlist, plain.id)
    assert api.get(f"{PLAYLISTS}/{playlist}").json()["thumbnailPath"] is None
    add(api, alice, playlist, with_image.id)
    path = api.get(f"{PLAYLISTS}/{playlist}").json()["thumbnailPath"]
    assert path.startswith("/lazy-static/thumbnails/playlist-")
    assert _media(path) == _media(layout.thumbnail_key(with_image.uuid))
    # Moving the pictured video first keeps a thumbnail made from it, under a new name.
    body = {"startPosition": 2, "insertAfterPosition": 0}
    assert api.post_json(f"{PLAYLISTS}/{playlist}/videos/reorder", body, alice.token).status == 204
    moved = api.get(f"{PLAYLISTS}/{playlist}").json()["thumbnailPath"]
    assert moved != path
    assert path.lstrip("/") not in media_keys()


@dataclass
class Kept:
    """A playlist with one element, and the store as it was before the bad requests."""

    playlist: dict[str, Any]
    video: Any
    element: int
    url: str
    before: list[tuple[str, str, str]]
    files: set[str]


@pytest.fixture
def kept(api: ApiClient, people: dict[str, Member]) -> Iterator[Kept]:
    """Checks, after the test, that nothing stored changed."""
    alice = people["alice"]
    playlist = create(api, alice, "Kept")
    video = add_video(alice.account_id, alice.channel_id, "kept")
    element = add(api, alice, playlist["id"], video.id)
    state = Kept(playlist, video, element, f"{PLAYLISTS}/{playlist['id']}", stored(), media_keys())
    yield state
    assert stored() == state.before
    assert media_keys() == state.files


def invalid(response: ApiResponse, field: str, msg: str = "Invalid value") -> None:
    assert response.status == 400, response.body
    assert response.json()["detail"] == f"Incorrect request parameters: {field}"
    assert _errors(response)[field]["msg"] == msg


VIDEO_ID = "Should have a valid video id/uuid/short uuid"
ELEMENT_ID = "Should have an element id/uuid/short uuid"


def test_bad_creation(api: ApiClient, people: dict[str, Member], kept: Kept) -> None:
    alice, bob = people["alice"], people["bob"]
    invalid(api.post_json(PLAYLISTS, {"privacy": 3}, alice.token), "displayName")
    invalid(api.post_json(PLAYLISTS, {"displayName": ""}, alice.token), "displayName")
    invalid(api.post_json(PLAYLISTS, {"displayName": "x" * 121}, alice.token), "displayName")
    invalid(
        api.post_json(PLAYLISTS, {"displayName": 12}, alice.token),
        "displayName",
        "Expected a string but received a Number",
    )
    invalid(api.post_json(PLAYLISTS, {"displayName": "ok", "description": ""}, alice.token), "description")
    invalid(api.post_json(PLAYLISTS, {"displayName": "ok", "description": "x" * 1001}, alice.token), "description")
    for privacy in (0, 4, "abc", None):
        invalid(api.post_json(PLAYLISTS, {"displayName": "ok", "privacy": privacy}, alice.token), "privacy")
    for privacy in (1, 2):
        refused = api.post_json(PLAYLISTS, {"displayName": "ok", "privacy": privacy}, alice.token)
        assert _detail(refused) == (
            400,
            'Cannot set "public" or "unlisted" a playlist that is not assigned to a channel.',
        )
    refused = api.post_json(PLAYLISTS, {"displayName": "ok", "privacy": 1, "videoChannelId": "abc"}, alice.token)
    assert refused.status == 400  # not a number: no channel
    refused = api.post_json(PLAYLISTS, {"displayName": "ok", "videoChannelId": 424242}, alice.token)
    assert _detail(refused) == (404, "Video channel not found")
    refused = api.post_json(PLAYLISTS, {"displayName": "ok", "videoChannelId": bob.channel_id}, alice.token)
    assert _detail(refused) == (403, "This user cannot manage this channel")
    bad_image = multipart(api, "POST", PLAYLISTS, {"displayName": "ok"}, alice.token, b"not an image")
    invalid(
        bad_image,
        "thumbnailfile",
        "This thumbnail file is not supported or too large. Please, make sure it is of the following type: .jpg, .jpeg",
    )
    assert api.post_json(PLAYLISTS, {"displayName": "ok"}, None).status == 401


def test_bad_reading(api: ApiClient, kept: Kept) -> None:
    assert _detail(api.get(f"{PLAYLISTS}/424242")) == (404, "Video playlist not found")
    assert _detail(api.get(f"{PLAYLISTS}/{uuid.uuid4()}")) == (404, "Video playlist not found")
    invalid(api.get(f"{PLAYLISTS}/not-an-id"), "playlistId", "Should have a valid playlist id (id, short UUID or UUID)")
    for query in ("sort=foo", "sort=+name", "count=101", "start=-1", "playlistType=3"):
        field = query.split("=")[0]
        response = api.get(f"{PLAYLISTS}?{query}")
        assert response.status == 400, query
        assert field in _errors(response)
    assert _errors(api.get(f"{PLAYLISTS}?count=101"))["count"]["msg"] == "Should have a number count (max: 100)"
    assert api.get("/api/v1/accounts/alice/video-playlists?search=").status == 400


def test_bad_updating(api: ApiClient, people: dict[str, Member], root: str, kept: Kept) -> None:
    alice, bob = people["alice"], people["bob"]
    url = kept.url
    invalid(api.put_json(url, {"displayName": ""}, alice.token), "displayName")
    invalid(api.put_json(url, {"privacy": 7}, alice.token), "privacy")
    assert _detail(api.put_json(f"{PLAYLISTS}/424242", {}, alice.token)) == (404, "Video playlist not found")
    refused = api.put_json(url, {"videoChannelId": None}, alice.token)
    assert _detail(refused) == (400, 'Cannot set "public" a playlist that is not assigned to a channel.')
    refused = api.put_json(url, {"videoChannelId": bob.channel_id}, alice.token)
    assert _detail(refused) == (403, "This user cannot manage this channel")
    refused = api.put_json(url, {"videoChannelId": bob.channel_id}, root)  # root may manage it, but it is bob's
    assert _detail(refused) == (400, "The channel must be owned by the same account as the playlist")
    assert _detail(api.put_json(url, {"displayName": "x"}, bob.token))[0] == 403
    assert _detail(api.delete_as(url, bob.token)) == (403, "Cannot manage video playlist of another user")
    assert _detail(api.delete_as(f"{PLAYLISTS}/424242", alice.token)) == (404, "Video playlist not found")


def test_bad_elements(api: ApiClient, people: dict[str, Member], kept: Kept) -> None:
    alice, bob = people["alice"], people["bob"]
    url, video, element = kept.url, kept.video, kept.element
    videos = f"{url}/videos"
    invalid(api.post_json(videos, {}, alice.token), "videoId", VIDEO_ID)
    invalid(api.post_json(videos, {"videoId": "nope"}, alice.token), "videoId", VIDEO_ID)
    for stamp in (-1, "abc", 1.5, True):
        invalid(api.post_json(videos, {"videoId": video.id, "startTimestamp": stamp}, alice.token), "startTimestamp")
        invalid(api.post_json(videos, {"videoId": video.id, "stopTimestamp": stamp}, alice.token), "stopTimestamp")
        invalid(api.put_json(f"{videos}/{element}", {"stopTimestamp": stamp}, alice.token), "stopTimestamp")
    assert _detail(api.post_json(videos, {"videoId": 424242}, alice.token)) == (404, "Video not found")
    unknown_playlist = api.post_json(f"{PLAYLISTS}/424242/videos", {"videoId": video.id}, alice.token)
    assert _detail(unknown_playlist) == (404, "Video playlist not found")
    refused = api.post_json(videos, {"videoId": video.id}, bob.token)
    assert _detail(refused) == (403, "Cannot manage video playlist of another user")
    invalid(api.put_json(f"{videos}/abc", {}, alice.token), "playlistElementId", ELEMENT_ID)
    missing = api.put_json(f"{videos}/424242", {"startTimestamp": 1}, alice.token)
    assert _detail(missing) == (404, "Video playlist element not found")
    assert _detail(api.delete_as(f"{videos}/424242", alice.token)) == (404, "Video playlist element not found")
    assert _detail(api.delete_as(f"{videos}/{element}", bob.token))[0] == 403
    # An element of another playlist is not found through this one.
    bobs = create(api, bob, "Bob's")
    bob_element = add(api, bob, bobs["id"], video.id)
    bob_state = stored()
    other = api.delete_as(f"{videos}/{bob_element}", alice.token)
    assert _detail(other) == (404, "Video playlist element not found")
    assert stored() == bob_state
    assert _detail(api.delete_as(f"{PLAYLISTS}/{bobs['id']}", alice.token))[0] == 403
    assert api.delete_as(f"{PLAYLISTS}/{bobs['id']}", bob.token).status == 204


def test_bad_reordering(api: ApiClient, people: dict[str, Member], kept: Kept) -> None:
    alice, bob = people["alice"], people["bob"]
    url = kept.url
    reorder = f"{url}/videos/reorder"
    invalid(api.post_json(reorder, {"insertAfterPosition": 0}, alice.token), "startPosition")
    invalid(api.post_json(reorder, {"startPosition": 0, "insertAfterPosition": 0}, alice.token), "startPosition")
    negative = api.post_json(reorder, {"startPosition": 1, "insertAfterPosition": -1}, alice.token)
    invalid(negative, "insertAfterPosition")
    invalid(
        api.post_json(reorder, {"startPosition": 1, "insertAfterPosition": 0, "reorderLength": 0}, alice.token),
        "reorderLength",
    )
    exceed = api.post_json(reorder, {"startPosition": 2, "insertAfterPosition": 0}, alice.token)
    assert _detail(exceed) == (400, "Start position or insert after position exceed the playlist limits (max: 1)")
    exceed = api.post_json(reorder, {"startPosition": 1, "insertAfterPosition": 1}, alice.token)
    assert exceed.status == 204  # start == insertAfter: nothing to do
    exceed = api.post_json(reorder, {"startPosition": 1, "insertAfterPosition": 0, "reorderLength": 2}, alice.token)
    assert _detail(exceed) == (
        400,
        "Reorder length with this start position exceeds the playlist limits (max: 1)",
    )
    refused = api.post_json(reorder, {"startPosition": 1, "insertAfterPosition": 0}, bob.token)
    assert _detail(refused) == (403, "Cannot manage video playlist of another user")


def test_accounts_from_before_playlists_get_watch_later(api: ApiClient, people: dict[str, Member]) -> None:
    from chalicelib.store import keys
    from chalicelib.store.models import Claim, Playlist

    alice = people["alice"]
    claim = Claim.get(keys.claim_pk(keys.WATCH_LATER, str(alice.account_id)), keys.CLAIM_SK)
    Playlist.get(keys.playlist_pk(int(claim.target)), keys.ENTITY_SK).delete()
    claim.delete()  # as an account made before playlists existed
    assert api.get("/api/v1/accounts/alice/video-playlists").json()["total"] == 0
    mine = api.get_as("/api/v1/accounts/alice/video-playlists", alice.token).json()
    assert [p["type"]["id"] for p in mine["data"]] == [2]
    again = api.get_as("/api/v1/accounts/alice/video-playlists", alice.token).json()
    assert [p["id"] for p in again["data"]] == [p["id"] for p in mine["data"]]  # made once
