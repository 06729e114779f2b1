"""Being mirrored: other servers' CacheFiles of our videos, arriving signed over the inbox,
listed as the streaming playlist's `redundancies` per the accept-from policy; and what is
refused (videos we do not host, URLs on other hosts, the policy)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from chalicelib.config import get_settings
from chalicelib.store import keys, videos
from chalicelib.store.models import Video, VideoFile
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.federation_peer import Peer
from tests.members import Member
from tests.queue_runner import drain_federation
from tests.video_seed import add_video

HLS_NAME = "3b0d2c1f-7a4e-4e8e-9d7e-1c2b3a4d5e6f"


def hls_video(people: dict[str, Member], name: str = "Mirrored elsewhere", **fields: Any) -> Video:
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, name, hls_prefix=HLS_NAME, **fields)
    file = VideoFile(
        keys.video_pk(int(video.id)), keys.video_file_sk(144), video_id=int(video.id), resolution=144,
        width=256, height=144, fps=25, size=1000, duration=4, bandwidth=50000,
        codecs="avc1.64000c,mp4a.40.2", playlist_name=f"{HLS_NAME}-144.m3u8",
        media_name=f"{HLS_NAME}-144-fragmented.mp4",
    )  # fmt: skip
    videos.save_file(file)
    return video


def cache_file(peer: Peer, video: Video, number: int = 1, **fields: Any) -> dict[str, Any]:
    document = {
        "id": f"{peer.base}/redundancy/streaming-playlists/hls/{video.uuid}/{number}",
        "type": "CacheFile",
        "object": str(video.url),
        "expires": "2099-01-01T00:00:00.000Z",
        "url": {
            "type": "Link",
            "mediaType": "application/x-mpegURL",
            "href": f"{peer.base}/static/redundancy/hls/{video.uuid}",
        },
    }
    document.update(fields)
    return document


def activity(peer: Peer, kind: str, document: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": kind,
        "id": f"{peer.base}/activities/{uuid.uuid4()}",
        "actor": peer.url(),
        "to": [f"{peer.url()}/followers"],
        "object": document,
    }


def mirrors(api: ApiClient, video: Video) -> list[dict[str, Any]]:
    return list(api.get(f"/api/v1/videos/{video.uuid}").json()["streamingPlaylists"][0]["redundancies"])


def test_a_servers_mirror_of_our_video_is_listed_updated_and_undone(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    video = hls_video(people)
    assert mirrors(api, video) == []
    created = cache_file(peer, video)
    assert peer.post(api, "/inbox", activity(peer, "Create", created)).status == 204
    drain_federation()
    assert mirrors(api, video) == [{"baseUrl": f"{peer.base}/static/redundancy/hls/{video.uuid}"}]

    # Refreshed with a later expiry (and a redelivery changes nothing).
    update = activity(peer, "Update", cache_file(peer, video, expires="2099-06-01T00:00:00.000Z"))
    assert peer.post(api, "/inbox", update).status == 204
    assert peer.post(api, "/inbox", update).status == 204
    drain_federation()
    assert len(mirrors(api, video)) == 1

    # An Undo of another CacheFile id leaves it; the Undo of its Create removes it.
    other = activity(peer, "Create", cache_file(peer, video, number=2))
    assert peer.post(api, "/inbox", activity(peer, "Undo", other)).status == 204
    drain_federation()
    assert len(mirrors(api, video)) == 1
    undo = activity(peer, "Undo", activity(peer, "Create", created))
    assert peer.post(api, "/inbox", undo).status == 204
    drain_federation()
    assert mirrors(api, video) == []


def test_an_expired_mirror_is_not_listed(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    video = hls_video(people)
    expired = cache_file(peer, video, expires="2020-01-01T00:00:00.000Z")
    assert peer.post(api, "/inbox", activity(peer, "Create", expired)).status == 204
    drain_federation()
    assert mirrors(api, video) == []


def test_cache_files_that_are_not_acceptable_store_nothing(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    video = hls_video(people)
    remote_uuid = "7c1d3e9a-2b4f-4a6c-8e0d-5f7a9b1c3d2e"
    elsewhere = cache_file(peer, video, number=3)
    elsewhere["url"] = {**elsewhere["url"], "href": f"https://cdn.elsewhere.example/hls/{video.uuid}"}
    foreign_id = cache_file(peer, video, number=4, id="https://elsewhere.example/cache/4")
    not_ours = cache_file(peer, video, number=5, object=f"{peer.base}/videos/watch/{remote_uuid}")
    unknown = cache_file(peer, video, number=6, object=f"{get_settings().instance_url}/videos/watch/{remote_uuid}")
    web_video = cache_file(peer, video, number=7)
    web_video["url"] = {**web_video["url"], "mediaType": "video/mp4"}
    no_date = cache_file(peer, video, number=8, expires="soon")
    for document in (elsewhere, foreign_id, not_ours, unknown, web_video, no_date):
        assert peer.post(api, "/inbox", activity(peer, "Create", document)).status == 204
    drain_federation()
    assert mirrors(api, video) == []


@pytest.mark.parametrize("policy", ["nobody", "followings"])
def test_the_accept_from_policy_refuses_mirrors(
    policy: str, monkeypatch: pytest.MonkeyPatch, peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    monkeypatch.setenv("CIRRUS_REDUNDANCY_ACCEPT_FROM", policy)
    get_settings.cache_clear()
    video = hls_video(people)
    assert peer.post(api, "/inbox", activity(peer, "Create", cache_file(peer, video))).status == 204
    drain_federation()
    assert mirrors(api, video) == []


def test_followings_accepts_mirrors_from_a_followed_server(
    monkeypatch: pytest.MonkeyPatch, peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    monkeypatch.setenv("CIRRUS_REDUNDANCY_ACCEPT_FROM", "followings")
    get_settings.cache_clear()
    peer.followed_by_our_instance(api, api.login("root", ROOT_PASSWORD)["access_token"])
    video = hls_video(people)
    assert peer.post(api, "/inbox", activity(peer, "Create", cache_file(peer, video))).status == 204
    drain_federation()
    assert len(mirrors(api, video)) == 1


def test_the_redundancy_api_checks_its_input(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    alice = people["alice"]
    mirrors_path = "/api/v1/server/redundancy/videos"
    assert api.get_as(f"{mirrors_path}?target=my-videos", alice.token).status == 403
    assert api.get_as(mirrors_path, root).status == 400
    assert api.get_as(f"{mirrors_path}?target=everything", root).status == 400
    assert api.get_as(f"{mirrors_path}?target=my-videos&strategy=all", root).status == 400
    assert api.get_as(f"{mirrors_path}?target=remote-videos", root).json() == {"total": 0, "data": []}

    # A host may be allowed once followed, by an administrator, with a boolean.
    allow = f"/api/v1/server/redundancy/{peer.host}"
    assert api.put_json(allow, {"redundancyAllowed": True}, root).status == 404
    peer.followed_by_our_instance(api, root)
    assert api.put_json(allow, {"redundancyAllowed": True}, alice.token).status == 403
    assert api.put_json(allow, {"redundancyAllowed": "yes"}, root).status == 400
    assert api.put_json(allow, {"redundancyAllowed": True}, root).status == 204
    following = api.get("/api/v1/server/following").json()["data"]
    assert [f["following"]["hostRedundancyAllowed"] for f in following] == [True]

    # Manual mirrors: of remote videos only, once.
    ours = hls_video(people)
    assert api.post_json(mirrors_path, {"videoId": int(ours.id)}, root).status == 400
    assert api.post_json(mirrors_path, {"videoId": 999999}, root).status == 404
    assert api.post_json(mirrors_path, {"videoId": "1; drop"}, root).status == 400
    assert api.send_json("DELETE", f"{mirrors_path}/123456", None, root).status == 404
    assert api.delete_as(f"{mirrors_path}/not-a-number", root).status == 404
