"""M7: any server may push videos, playlists and comments without being asked. As PeerTube,
the instance-wide lists (videos, search, playlists) show remote content only of what the
instance follows; and what one host may store here is capped (videos, playlists,
comments), beyond which its new objects are refused and logged."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.api_client import ApiClient
from tests.federation_peer import Peer
from tests.members import Member
from tests.security.fedmedia_support import activity, follow_peer, send

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def _names(api: ApiClient, path: str) -> list[str]:
    return sorted(item.get("name") or item.get("displayName") for item in api.get(path).json()["data"])


def test_unsolicited_remote_content_is_not_listed_until_the_instance_follows_its_server(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    from tests.integration.test_federation_playlists import activity as playlist_activity
    from tests.integration.test_federation_playlists import remote_playlist
    from tests.video_seed import add_video

    alice = people["alice"]
    add_video(alice.account_id, alice.channel_id, "Local cats")
    pushed = peer.video(str(uuid.uuid4()), "Pushed cats")
    send(api, peer, peer.create(pushed))
    playlist = remote_playlist(peer, "Pushed playlist", videos=0)
    send(api, peer, playlist_activity(peer, "Create", playlist))

    # Stored (a viewer who has its URL or UUID may open it), but in no instance-wide list.
    assert api.get(f"/api/v1/videos/{pushed['uuid']}").json()["name"] == "Pushed cats"
    assert _names(api, "/api/v1/videos") == ["Local cats"]
    assert _names(api, "/api/v1/videos?isLocal=false") == []
    assert _names(api, "/api/v1/search/videos?search=cats") == ["Local cats"]
    assert _names(api, "/api/v1/video-playlists") == []

    follow_peer(api, peer)

    assert _names(api, "/api/v1/videos") == ["Local cats", "Pushed cats"]
    assert _names(api, "/api/v1/search/videos?search=cats") == ["Local cats", "Pushed cats"]
    assert _names(api, "/api/v1/video-playlists") == ["Pushed playlist"]

    # Unfollowed again: hidden again.
    root = api.login("root", "root-password-for-tests")["access_token"]
    assert api.delete_as(f"/api/v1/server/following/{peer.host}", root).status == 204
    assert _names(api, "/api/v1/videos") == ["Local cats"]
    assert _names(api, "/api/v1/video-playlists") == []


@pytest.fixture
def small_caps(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Caps of 2 videos, 1 playlist and 2 comments per host (read when `api` starts)."""
    monkeypatch.setenv("CIRRUS_MAX_VIDEOS_PER_HOST", "2")
    monkeypatch.setenv("CIRRUS_MAX_PLAYLISTS_PER_HOST", "1")
    monkeypatch.setenv("CIRRUS_MAX_COMMENTS_PER_HOST", "2")
    yield


def test_a_host_cannot_store_more_than_its_caps(
    small_caps: None, peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    from tests.integration.test_federation_playlists import activity as playlist_activity
    from tests.integration.test_federation_playlists import remote_playlist
    from tests.video_seed import add_video

    follow_peer(api, peer)  # followed or not, the caps hold
    documents = [peer.video(str(uuid.uuid4()), f"Video {n}") for n in range(3)]
    for document in documents:
        send(api, peer, peer.create(document))
    stored = [api.get(f"/api/v1/videos/{d['uuid']}").status for d in documents]
    assert stored == [200, 200, 404]

    # A video deleted by its server frees its place.
    send(api, peer, activity(peer, "Delete", documents[0], "1"))
    send(api, peer, peer.create(documents[2]) | {"id": f"{documents[2]['id']}/activity/2"})
    assert api.get(f"/api/v1/videos/{documents[2]['uuid']}").status == 200

    first, second = remote_playlist(peer, "First", videos=0), remote_playlist(peer, "Second", videos=0)
    send(api, peer, playlist_activity(peer, "Create", first))
    send(api, peer, playlist_activity(peer, "Create", second))
    assert api.get(f"/api/v1/video-playlists/{first['uuid']}").status == 200
    assert api.get(f"/api/v1/video-playlists/{second['uuid']}").status == 404

    alice = people["alice"]
    ours = add_video(alice.account_id, alice.channel_id, "Ours")
    for n in range(3):
        note = {
            "type": "Note",
            "id": f"{peer.base}/videos/watch/{ours.uuid}/comments/{n}",
            "url": f"{peer.base}/videos/watch/{ours.uuid}/comments/{n}",
            "attributedTo": peer.url("carol"),
            "inReplyTo": ours.url,
            "content": f"comment {n}",
            "to": [PUBLIC],
            "published": "2026-11-01T10:00:00.000Z",
        }
        send(api, peer, {"type": "Create", "id": f"{note['id']}/activity", "actor": peer.url("carol"),
                         "to": [PUBLIC], "object": note})  # fmt: skip
    threads = api.get(f"/api/v1/videos/{ours.uuid}/comment-threads").json()
    assert sorted(t["text"] for t in threads["data"]) == ["comment 0", "comment 1"]
