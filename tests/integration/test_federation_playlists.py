"""Playlists over ActivityPub: the documents PeerTube serves (the Playlist collection, its
elements, the actors' /playlists), the activities it sends when a playlist changes, and
remote playlists arriving from a peer."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from chalicelib.config import get_settings
from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD
from tests.federation_peer import Peer
from tests.integration.test_playlists import PLAYLISTS, _jpeg, add, create, multipart, stored
from tests.members import Member
from tests.openapi import PLAYLIST_NULLS, assert_conforms
from tests.queue_runner import drain_federation
from tests.video_seed import add_video

AP = {"Accept": "application/activity+json"}
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture
def peer(monkeypatch: pytest.MonkeyPatch) -> Iterator[Peer]:
    monkeypatch.setenv("CIRRUS_FEDERATION_ALLOW_LOOPBACK", "1")
    remote = Peer().start()
    yield remote
    remote.stop()


def fetch(api: ApiClient, url: str) -> ApiResponse:
    parts = urlsplit(url)
    return api.get(parts.path + (f"?{parts.query}" if parts.query else ""), headers=AP)


# Serving


def test_a_public_playlist_as_peertube_serves_it(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    base = get_settings().instance_url
    created = create(api, alice, "Road trip", description="Songs for the **road**")
    videos = [add_video(alice.account_id, alice.channel_id, f"Song {n}", minutes=n) for n in range(1, 13)]
    element_ids = [add(api, alice, created["id"], video.id) for video in videos]
    api.put_json(f"{PLAYLISTS}/{created['id']}/videos/{element_ids[0]}", {"startTimestamp": 3}, alice.token)
    assert multipart(api, "PUT", f"{PLAYLISTS}/{created['id']}", {}, alice.token, _jpeg()).status == 204
    url = f"{base}/video-playlists/{created['uuid']}"

    root = fetch(api, url)
    assert root.status == 200 and root.content_type.startswith("application/activity+json")
    body = root.json()
    assert list(body) == [
        "@context", "to", "cc", "id", "type", "totalItems", "first", "name", "content", "mediaType", "uuid",
        "videoChannelPosition", "published", "updated", "attributedTo", "icon",
    ]  # fmt: skip
    assert body["@context"][3]["Playlist"] == "pt:Playlist"
    assert (body["to"], body["cc"]) == ([PUBLIC], [f"{base}/accounts/alice/followers"])
    assert (body["id"], body["type"], body["totalItems"]) == (url, "Playlist", 12)
    assert body["first"] == f"{url}?page=1"
    assert (body["name"], body["content"], body["mediaType"]) == (
        "Road trip",
        "Songs for the **road**",
        "text/markdown",
    )
    assert body["uuid"] == created["uuid"] and body["videoChannelPosition"] == 1
    assert body["attributedTo"] == [f"{base}/video-channels/{alice.channel_name}"]
    assert body["icon"]["type"] == "Image" and body["icon"]["url"].startswith(f"{base}/lazy-static/thumbnails/")
    assert (body["icon"]["width"], body["icon"]["height"], body["icon"]["mediaType"]) == (280, 157, "image/jpeg")
    # Reachable by id and short UUID too (PeerTube's playlist id parameter).
    assert fetch(api, f"{base}/video-playlists/{created['shortUUID']}").json()["id"] == url

    first = fetch(api, f"{url}?page=1").json()
    assert [first[k] for k in ("id", "type", "next", "partOf", "totalItems")] == [
        f"{url}?page=1",
        "Playlist",
        f"{url}?page=2",
        url,
        12,
    ]
    assert first["orderedItems"] == [f"{url}/videos/{e}" for e in element_ids[:10]]
    second = fetch(api, f"{url}?page=2").json()
    assert second["prev"] == f"{url}?page=1" and "next" not in second
    assert second["orderedItems"] == [f"{url}/videos/{e}" for e in element_ids[10:]]
    assert fetch(api, f"{url}?page=x").status == 400

    element = fetch(api, f"{url}/videos/{element_ids[0]}")
    assert element.status == 200
    assert {k: v for k, v in element.json().items() if k != "@context"} == {
        "id": f"{url}/videos/{element_ids[0]}",
        "type": "PlaylistElement",
        "url": videos[0].url,
        "position": 1,
        "startTimestamp": 3,
    }
    assert "stopTimestamp" not in element.json()
    assert fetch(api, f"{url}/videos/999999").status == 404
    assert fetch(api, f"{url}/videos/abc").status == 400

    for actor in (f"{base}/accounts/alice/playlists", f"{base}/video-channels/{alice.channel_name}/playlists"):
        listed = fetch(api, actor).json()
        assert (listed["type"], listed["totalItems"], listed["first"]) == ("OrderedCollection", 1, f"{actor}?page=1")
        assert fetch(api, f"{actor}?page=1").json()["orderedItems"] == [url]


def test_what_is_not_served(api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    base = get_settings().instance_url
    unlisted = create(api, alice, "Unlisted one", privacy=2)
    private = create(api, alice, "Private one", privacy=3)
    element = add(api, alice, private["id"], add_video(alice.account_id, alice.channel_id, "Kept").id)

    # Unlisted: by UUID only, with the unlisted audience; never in the actors' collections.
    shown = fetch(api, f"{base}/video-playlists/{unlisted['uuid']}").json()
    assert (shown["to"], shown["cc"]) == ([], [PUBLIC])
    assert fetch(api, f"{base}/video-playlists/{unlisted['id']}").status == 404
    # Private: a fetch has no session (PeerTube asks for one); its elements are refused.
    assert fetch(api, f"{base}/video-playlists/{private['uuid']}").status == 401
    refused = fetch(api, f"{base}/video-playlists/{private['uuid']}/videos/{element}")
    assert (refused.status, refused.json()["detail"]) == (403, "Cannot get this private video playlist.")
    # Watch later is private.
    watch_later = api.get_as("/api/v1/accounts/alice/video-playlists?playlistType=2", alice.token).json()["data"][0]
    assert fetch(api, f"{base}/video-playlists/{watch_later['uuid']}").status == 401
    assert fetch(api, f"{base}/accounts/alice/playlists").json()["totalItems"] == 0
    assert "first" not in fetch(api, f"{base}/accounts/alice/playlists").json()
    assert fetch(api, f"{base}/accounts/nobody/playlists").status == 404
    assert fetch(api, f"{base}/video-playlists/not-an-id").status == 400


# Outbound


def test_playlist_changes_reach_followers(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    base = get_settings().instance_url
    peer.follow_our_instance(api)

    created = create(api, alice, "Shared list")
    url = f"{base}/video-playlists/{created['uuid']}"
    drain_federation()
    (sent,) = peer.inbox_activities("/inbox")
    assert list(sent)[:7] == ["@context", "to", "cc", "type", "id", "actor", "object"]
    assert (sent["type"], sent["id"], sent["actor"]) == ("Create", f"{url}/activity", f"{base}/accounts/alice")
    assert (sent["to"], sent["cc"]) == ([PUBLIC], [f"{base}/accounts/alice/followers"])
    assert sent["object"]["type"] == "Playlist" and sent["object"]["id"] == url
    assert sent["object"]["totalItems"] == 0 and "first" not in sent["object"]
    assert sent["object"]["to"] == [PUBLIC]
    assert "signature" in sent  # the account's LD signature
    peer.received.clear()

    add(api, alice, created["id"], add_video(alice.account_id, alice.channel_id, "First").id)
    assert api.put_json(f"{PLAYLISTS}/{created['id']}", {"displayName": "Shared list 2"}, alice.token).status == 204
    drain_federation()
    updates = peer.inbox_activities("/inbox")
    assert [a["type"] for a in updates] == ["Update", "Update"]
    assert updates[0]["object"]["totalItems"] == 1 and updates[0]["object"]["first"] == f"{url}?page=1"
    assert updates[1]["object"]["name"] == "Shared list 2"
    assert updates[1]["id"] == f"{url}/updates/{updates[1]['object']['updated']}"
    peer.received.clear()

    # Made private: a Delete; public again: a Create; removed: a Delete.
    assert api.put_json(f"{PLAYLISTS}/{created['id']}", {"privacy": 3}, alice.token).status == 204
    assert api.put_json(f"{PLAYLISTS}/{created['id']}", {"privacy": 1}, alice.token).status == 204
    assert api.delete_as(f"{PLAYLISTS}/{created['id']}", alice.token).status == 204
    drain_federation()
    sent_types = [(a["type"], a["id"]) for a in peer.inbox_activities("/inbox")]
    assert sent_types == [("Delete", f"{url}/delete"), ("Create", f"{url}/activity"), ("Delete", f"{url}/delete")]
    delete = peer.inbox_activities("/inbox")[0]
    assert {k: v for k, v in delete.items() if k not in ("@context", "signature")} == {
        "type": "Delete",
        "id": f"{url}/delete",
        "actor": f"{base}/accounts/alice",
        "object": url,
    }


def test_private_playlists_send_nothing(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    peer.follow_our_instance(api)
    private = create(api, alice, "Mine only", privacy=3)
    add(api, alice, private["id"], add_video(alice.account_id, alice.channel_id, "Quiet").id)
    assert api.put_json(f"{PLAYLISTS}/{private['id']}", {"displayName": "Still mine"}, alice.token).status == 204
    assert api.delete_as(f"{PLAYLISTS}/{private['id']}", alice.token).status == 204
    drain_federation()
    assert peer.received == []


# Inbound


def remote_playlist(peer: Peer, name: str = "Cats on tour", videos: int = 2, **fields: Any) -> dict[str, Any]:
    """A playlist of the peer's channel "cats" (carol's) as PeerTube sends it, with its pages,
    elements and videos served by the peer."""
    playlist_uuid = str(uuid.uuid4())
    url = f"{peer.base}/video-playlists/{playlist_uuid}"
    element_urls = []
    for position in range(1, videos + 1):
        video_uuid = str(uuid.uuid4())
        video = peer.video(video_uuid, f"Cat video {position}")
        peer.objects[f"/videos/watch/{video_uuid}"] = video
        element_url = f"{url}/videos/{100 + position}"
        peer.objects[urlsplit(element_url).path] = {
            "id": element_url,
            "type": "PlaylistElement",
            "url": video["id"],
            "position": position,
            **({"startTimestamp": 5} if position == 1 else {}),
        }
        element_urls.append(element_url)
    document: dict[str, Any] = {
        "to": [PUBLIC],
        "cc": [f"{peer.url('carol')}/followers"],
        "id": url,
        "type": "Playlist",
        "totalItems": videos,
        **({"first": f"{url}?page=1"} if videos else {}),
        "name": name,
        "content": "Cats, **travelling**",
        "mediaType": "text/markdown",
        "uuid": playlist_uuid,
        "videoChannelPosition": 1,
        "published": "2026-11-01T10:00:00.000Z",
        "updated": "2026-11-01T10:05:00.000Z",
        "attributedTo": [peer.channel_url()],
        "icon": {"type": "Image", "url": f"{peer.base}/thumb.jpg", "mediaType": "image/jpeg", "width": 280,
                 "height": 157},
    }  # fmt: skip
    document.update(fields)
    serve(peer, document, element_urls)
    return document


def serve(peer: Peer, document: dict[str, Any], element_urls: list[str]) -> None:
    path = urlsplit(document["id"]).path
    peer.objects[path] = {k: v for k, v in document.items() if k not in ("orderedItems",)}
    page = {"id": f"{document['id']}?page=1", "type": "OrderedCollectionPage", "partOf": document["id"]}
    peer.objects[f"{path}?page=1"] = {**page, "orderedItems": element_urls, "totalItems": len(element_urls)}


def activity(peer: Peer, kind: str, playlist: dict[str, Any], number: int = 1) -> dict[str, Any]:
    return {
        "type": kind,
        # On the sender's host even for a playlist claiming another (an activity id elsewhere is refused).
        "id": f"{peer.base}{urlsplit(playlist['id']).path}/{kind.lower()}/{number}",
        "actor": peer.url("carol"),
        "to": playlist["to"],
        "cc": playlist["cc"],
        "object": playlist,
    }


def elements_of(api: ApiClient, playlist: str) -> list[tuple[int, str | None, int | None]]:
    data = api.get(f"{PLAYLISTS}/{playlist}/videos").json()["data"]
    return [(e["position"], e["video"]["name"] if e["video"] else None, e["startTimestamp"]) for e in data]


def test_a_remote_playlist_is_stored_listed_updated_and_deleted(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    peer.followed_by_our_instance(api, api.login("root", ROOT_PASSWORD)["access_token"])  # listed only then
    before = stored()
    document = remote_playlist(peer)
    assert peer.post(api, "/inbox", activity(peer, "Create", document), name="carol").status == 204
    drain_federation()

    listed = api.get(PLAYLISTS).json()
    assert listed["total"] == 1
    shown = listed["data"][0]
    assert_conforms("VideoPlaylist", shown, known_deviations=PLAYLIST_NULLS)
    assert (shown["uuid"], shown["isLocal"], shown["url"]) == (document["uuid"], False, document["id"])
    assert (shown["displayName"], shown["description"]) == ("Cats on tour", "Cats, **travelling**")
    assert shown["privacy"]["id"] == 1 and shown["videosLength"] == 2
    assert shown["ownerAccount"]["name"] == "carol" and shown["ownerAccount"]["host"] == peer.host
    assert shown["videoChannel"]["name"] == "cats" and shown["videoChannel"]["host"] == peer.host
    assert shown["thumbnailPath"].startswith("/lazy-static/thumbnails/playlist-")
    assert shown["createdAt"] == "2026-11-01T10:00:00.000Z"
    assert api.get(f"{PLAYLISTS}/{document['uuid']}").json()["id"] == shown["id"]
    by_account = api.get(f"/api/v1/accounts/carol@{peer.host}/video-playlists").json()
    assert [p["uuid"] for p in by_account["data"]] == [document["uuid"]]
    by_channel = api.get(f"/api/v1/video-channels/cats@{peer.host}/video-playlists").json()
    assert [p["uuid"] for p in by_channel["data"]] == [document["uuid"]]
    assert elements_of(api, document["uuid"]) == [(1, "Cat video 1", 5), (2, "Cat video 2", None)]
    assert len(api.get("/api/v1/videos?isLocal=false").json()["data"]) == 2  # fetched from their origin
    # Its ActivityPub URL here is its origin's.
    moved = api.get(f"/video-playlists/{document['uuid']}", headers=AP)
    assert (moved.status, {k.lower(): v for k, v in moved.headers.items()}["location"]) == (302, document["id"])

    # Nobody here manages it (PeerTube's answer).
    alice = people["alice"]
    own_video = add_video(alice.account_id, alice.channel_id, "Ours")
    refused = api.post_json(f"{PLAYLISTS}/{shown['id']}/videos", {"videoId": own_video.id}, alice.token)
    assert (refused.status, refused.json()["detail"]) == (403, "Cannot manage video playlist of another server.")

    # Update: renamed, unlisted, the elements reordered and one gone.
    first_page = peer.objects[f"{urlsplit(document['id']).path}?page=1"]
    urls = list(first_page["orderedItems"])
    for number, url in enumerate(reversed(urls), start=1):
        peer.objects[urlsplit(url).path]["position"] = number
    newer = dict(document, name="Cats, the tour", updated="2026-11-02T10:00:00.000Z", to=[], cc=[PUBLIC])
    serve(peer, newer, urls)
    assert peer.post(api, "/inbox", activity(peer, "Update", newer), name="carol").status == 204
    drain_federation()
    again = api.get(f"{PLAYLISTS}/{document['uuid']}").json()
    assert (again["displayName"], again["privacy"]["id"]) == ("Cats, the tour", 2)
    assert api.get(PLAYLISTS).json()["total"] == 0  # unlisted now
    assert elements_of(api, document["uuid"]) == [(1, "Cat video 2", None), (2, "Cat video 1", 5)]

    # A Delete by another account of the same server is not heard; by its owner it is.
    intruder = dict(activity(peer, "Delete", newer, 2), actor=peer.url("dave"), object=document["id"])
    assert peer.post(api, "/inbox", intruder, name="dave").status == 204
    drain_federation()
    assert api.get(f"{PLAYLISTS}/{document['uuid']}").status == 200
    delete = dict(activity(peer, "Delete", newer, 3), object=document["id"])
    assert peer.post(api, "/inbox", delete, name="carol").status == 204
    drain_federation()
    assert api.get(f"{PLAYLISTS}/{document['uuid']}").status == 404
    assert stored() == before  # the playlist, its slots and claims are gone


def test_elements_that_cannot_be_read_are_left_out(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    document = remote_playlist(peer, videos=3)
    urls = list(peer.objects[f"{urlsplit(document['id']).path}?page=1"]["orderedItems"])
    peer.objects[urlsplit(urls[1]).path]["url"] = f"{peer.base}/videos/watch/{uuid.uuid4()}"  # not served: 404
    assert peer.post(api, "/inbox", activity(peer, "Create", document), name="carol").status == 204
    drain_federation()
    assert elements_of(api, document["uuid"]) == [(1, "Cat video 1", 5), (2, "Cat video 3", None)]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"name": ""}, "empty name"),
        ({"uuid": "00000000-0000-1000-8000-000000000000"}, "not a version 4 UUID"),
        ({"totalItems": "many"}, "no integer totalItems"),
        ({"published": "yesterday"}, "bad date"),
        ({"content": "x" * 1001}, "description too long"),
        ({"attributedTo": []}, "no channel"),
        ({"attributedTo": ["https://elsewhere.example/video-channels/cats"]}, "channel on another host"),
        ({"id": "https://elsewhere.example/video-playlists/x"}, "playlist on another host than its sender"),
    ],
)
def test_bad_playlists_are_refused(
    peer: Peer, api: ApiClient, people: dict[str, Member], change: dict[str, Any], why: str
) -> None:
    before = stored()
    document = remote_playlist(peer, **change)
    assert peer.post(api, "/inbox", activity(peer, "Create", document), name="carol").status == 204  # as PeerTube
    drain_federation()
    assert stored() == before, why
    assert api.get(PLAYLISTS).json()["total"] == 0


def test_only_accounts_send_playlists(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    before = stored()
    document = remote_playlist(peer)
    by_instance = dict(activity(peer, "Create", document), actor=peer.url())
    assert peer.post(api, "/inbox", by_instance).status == 204
    by_channel = dict(activity(peer, "Create", document, 2), actor=peer.channel_url())
    assert peer.post(api, "/inbox", by_channel, name="cats").status == 204
    drain_federation()
    assert stored() == before


def test_a_playlist_its_origin_does_not_serve_is_refused(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    before = stored()
    document = remote_playlist(peer)
    del peer.objects[urlsplit(document["id"]).path]  # 404 at the origin: the elements cannot be read
    assert peer.post(api, "/inbox", activity(peer, "Create", document), name="carol").status == 204
    drain_federation()
    assert stored() == before


def test_an_account_deleting_itself_takes_its_playlists(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    before = stored()
    document = remote_playlist(peer, videos=1)
    assert peer.post(api, "/inbox", activity(peer, "Create", document), name="carol").status == 204
    drain_federation()
    assert api.get(f"{PLAYLISTS}/{document['uuid']}").status == 200
    gone = {
        "type": "Delete",
        "id": f"{peer.url('carol')}/delete",
        "actor": peer.url("carol"),
        "object": peer.url("carol"),
    }
    assert peer.post(api, "/inbox", gone, name="carol").status == 204
    drain_federation()
    assert api.get(f"{PLAYLISTS}/{document['uuid']}").status == 404
    assert stored() == before
