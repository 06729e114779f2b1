"""Remote videos arriving the ways PeerTube sends them (Create, Announce, Update, Delete):
stored, listed, searchable, with a watch page that plays from the origin; and the bad ones
refused without touching what is stored."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from chalicelib import aws
from chalicelib.config import get_settings
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.federation_peer import Peer
from tests.members import Member
from tests.openapi import VIDEO_NULLS, assert_conforms
from tests.queue_runner import drain_federation


def remote_videos(api: ApiClient) -> list[dict[str, Any]]:
    return list(api.get("/api/v1/videos?isLocal=false").json()["data"])


def test_a_created_video_is_listed_searchable_and_plays_from_its_origin(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    peer.followed_by_our_instance(api, api.login("root", ROOT_PASSWORD)["access_token"])  # listed only then
    video_uuid = str(uuid.uuid4())
    document = peer.video(video_uuid, "Remote cats")
    assert peer.post(api, "/inbox", peer.create(document), name="carol").status == 204
    drain_federation()

    listed = remote_videos(api)
    assert [v["name"] for v in listed] == ["Remote cats"]
    item = listed[0]
    assert_conforms("Video", item, known_deviations=VIDEO_NULLS)
    assert item["isLocal"] is False and item["url"] == document["id"] and item["views"] == 3
    assert item["channel"]["host"] == peer.host and item["account"]["name"] == "carol"
    # Its thumbnail is copied, re-encoded, under a name of ours (never the remote's UUID).
    assert item["thumbnailPath"].startswith("/lazy-static/thumbnails/") and video_uuid not in item["thumbnailPath"]
    thumbnail = aws.s3().get_object(Bucket=get_settings().media_bucket, Key=item["thumbnailPath"].lstrip("/"))
    assert thumbnail["Body"].read().startswith(b"\xff\xd8") and thumbnail["ContentType"] == "image/jpeg"

    details = api.get(f"/api/v1/videos/{video_uuid}").json()
    assert details["description"] == "Made **elsewhere**." and details["tags"] == ["remote"]
    playlist = details["streamingPlaylists"][0]
    assert playlist["playlistUrl"] == f"{peer.base}/static/streaming-playlists/hls/{video_uuid}/abc-master.m3u8"
    assert playlist["segmentsSha256Url"].endswith("abc-segments-sha256.json")
    assert [f["resolution"]["id"] for f in playlist["files"]] == [720, 240]
    assert playlist["files"][0]["fileUrl"].endswith("abc-720-fragmented.mp4")
    assert playlist["files"][0]["playlistUrl"].endswith("abc-720.m3u8")

    found = api.get("/api/v1/search/videos?search=remote%20cats").json()
    assert [v["uuid"] for v in found["data"]] == [video_uuid]
    assert api.get("/api/v1/server/stats").json()["totalVideos"] == 1

    # The same Create again changes nothing.
    assert peer.post(api, "/inbox", peer.create(document), name="carol").status == 204
    drain_federation()
    assert len(remote_videos(api)) == 1

    # Update: newer metadata replaces the old; an older version delivered late does not.
    newer = peer.video(video_uuid, "Remote cats, remastered", updated="2026-11-02T10:00:00.000Z", views=10)
    update = {"type": "Update", "id": f"{document['id']}/updates/2", "actor": peer.url("carol"), "object": newer}
    assert peer.post(api, "/inbox", update, name="carol").status == 204
    stale = {"type": "Update", "id": f"{document['id']}/updates/1", "actor": peer.url("carol"), "object": document}
    assert peer.post(api, "/inbox", stale, name="carol").status == 204
    drain_federation()
    assert [(v["name"], v["views"]) for v in remote_videos(api)] == [("Remote cats, remastered", 10)]

    # Delete, by its own server.
    delete = {"type": "Delete", "id": f"{document['id']}/delete", "actor": peer.url("carol"), "object": document["id"]}
    assert peer.post(api, "/inbox", delete, name="carol").status == 204
    drain_federation()
    assert remote_videos(api) == []
    assert api.get(f"/api/v1/videos/{video_uuid}").status == 404
    assert api.get("/api/v1/server/stats").json()["totalVideos"] == 0


def test_an_announced_video_is_fetched_from_its_origin(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    peer.followed_by_our_instance(api, api.login("root", ROOT_PASSWORD)["access_token"])  # listed only then
    video_uuid = str(uuid.uuid4())
    document = peer.video(video_uuid, "Shared by an instance")
    peer.objects[f"/videos/watch/{video_uuid}"] = document
    announce = {
        "type": "Announce",
        "id": f"{document['id']}/announces/1",
        "actor": peer.url(),
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "object": document["id"],
    }
    assert peer.post(api, "/inbox", announce).status == 204
    drain_federation()
    assert [v["uuid"] for v in remote_videos(api)] == [video_uuid]
    assert f"/videos/watch/{video_uuid}" in peer.fetches

    # A Person's boost is not heard (as PeerTube).
    other = str(uuid.uuid4())
    peer.objects[f"/videos/watch/{other}"] = peer.video(other, "Boosted by a person")
    boost = dict(
        announce, id=f"{peer.base}/boost/2", actor=peer.url("carol"), object=f"{peer.base}/videos/watch/{other}"
    )
    assert peer.post(api, "/inbox", boost, name="carol").status == 204
    drain_federation()
    assert [v["uuid"] for v in remote_videos(api)] == [video_uuid]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"name": "ab"}, "name too short"),
        ({"duration": "PT1M2S"}, "duration not in seconds"),
        ({"uuid": "00000000-0000-1000-8000-000000000000"}, "not a version 4 UUID"),
        ({"icon": []}, "no thumbnail"),
        ({"url": "https://elsewhere.example/video"}, "url not an array"),
        ({"views": -1}, "negative views"),
    ],
)
def test_bad_videos_are_refused(
    peer: Peer, api: ApiClient, people: dict[str, Member], change: dict[str, Any], why: str
) -> None:
    document = peer.video(str(uuid.uuid4()), **change)
    assert peer.post(api, "/inbox", peer.create(document), name="carol").status == 204  # PeerTube answers 204 too
    drain_federation()
    assert remote_videos(api) == [], why


def test_a_server_cannot_speak_for_videos_of_another(peer: Peer, api: ApiClient, people: dict[str, Member]) -> None:
    alice = people["alice"]
    from tests.video_seed import add_video

    local = add_video(alice.account_id, alice.channel_id, "Ours")
    # A video claiming to be on another host than its sender's (the Create itself is on the
    # sender's host: an activity id elsewhere is refused at once, 403).
    foreign = peer.video(str(uuid.uuid4()), id="https://elsewhere.example/videos/watch/x")
    create = {**peer.create(foreign), "id": f"{peer.base}/c/1"}
    assert peer.post(api, "/inbox", create, name="carol").status == 204
    # A Delete of one of our videos.
    attack = {"type": "Delete", "id": f"{peer.base}/d/1", "actor": peer.url("carol"), "object": local.url}
    assert peer.post(api, "/inbox", attack, name="carol").status == 204
    # A video reusing the UUID of one of ours.
    clash = peer.video(str(local.uuid))
    assert peer.post(api, "/inbox", peer.create(clash), name="carol").status == 204
    drain_federation()
    assert remote_videos(api) == []
    assert api.get(f"/api/v1/videos/{local.uuid}").json()["name"] == "Ours"


def test_a_remote_live_is_known_as_a_live_with_its_origins_state(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    """PeerTube's Video object of a live: isLiveBroadcast, its state, replay and latency
    settings; it waits (4), streams with a live master playlist (1), then ends (5)."""
    peer.followed_by_our_instance(api, api.login("root", ROOT_PASSWORD)["access_token"])
    video_uuid = str(uuid.uuid4())
    live_fields = {"isLiveBroadcast": True, "liveSaveReplay": True, "permanentLive": False, "latencyMode": 3}
    waiting = peer.video(video_uuid, "Remote live", state=4, duration="PT0S", **live_fields)
    waiting["url"] = [link for link in waiting["url"] if link.get("mediaType") == "text/html"]
    assert peer.post(api, "/inbox", peer.create(waiting), name="carol").status == 204
    drain_federation()
    details = api.get(f"/api/v1/videos/{video_uuid}").json()
    assert (details["isLive"], details["state"]["id"], details["streamingPlaylists"]) == (True, 4, [])

    master = f"{peer.base}/static/streaming-playlists/hls/{video_uuid}/master.m3u8"
    sha = {
        "type": "Link",
        "name": "sha256",
        "mediaType": "application/json",
        "href": master[:-11] + "segments-sha256.json",
    }
    streaming = peer.video(video_uuid, "Remote live", state=1, updated="2026-11-02T10:00:00.000Z", **live_fields)
    streaming["url"] = [
        *waiting["url"],
        {"type": "Link", "mediaType": "application/x-mpegURL", "href": master, "tag": [sha]},
    ]
    update = {"type": "Update", "id": f"{waiting['id']}/updates/1", "actor": peer.url("carol"), "object": streaming}
    assert peer.post(api, "/inbox", update, name="carol").status == 204
    drain_federation()
    details = api.get(f"/api/v1/videos/{video_uuid}").json()
    assert (details["isLive"], details["state"]["id"]) == (True, 1)
    assert details["streamingPlaylists"][0]["playlistUrl"] == master
    assert [v["name"] for v in api.get("/api/v1/videos?isLive=true").json()["data"]] == ["Remote live"]

    ended = {**streaming, "state": 5, "updated": "2026-11-02T11:00:00.000Z", "url": waiting["url"]}
    update = {"type": "Update", "id": f"{waiting['id']}/updates/2", "actor": peer.url("carol"), "object": ended}
    assert peer.post(api, "/inbox", update, name="carol").status == 204
    drain_federation()
    details = api.get(f"/api/v1/videos/{video_uuid}").json()
    assert (details["isLive"], details["state"]["id"]) == (True, 5)

    # A live's state must be a live's.
    other = str(uuid.uuid4())
    odd = peer.video(other, "Odd live", state=2, **live_fields)
    assert peer.post(api, "/inbox", peer.create(odd), name="carol").status == 204
    drain_federation()
    assert api.get(f"/api/v1/videos/{other}").status == 404


def test_a_remote_videos_captions_and_chapters_come_from_its_origin(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    video_uuid = str(uuid.uuid4())
    base = f"{peer.base}/lazy-static/video-captions"
    chapters_path = f"/videos/watch/{video_uuid}/chapters"
    peer.objects[chapters_path] = {
        "id": f"{peer.base}{chapters_path}",
        "hasPart": [
            {"name": "Outro", "startOffset": 10, "endOffset": 12},
            {"name": "Intro", "startOffset": 0, "endOffset": 10},
            {"name": "", "startOffset": 4},  # no title: left out
            {"name": "Past the end", "startOffset": 600},  # the video lasts 12 s: left out
            {"name": "Again", "startOffset": 0},  # a timecode twice: the first stays
        ],
    }
    subtitles = [
        {  # PeerTube 7: links to the WebVTT file and its HLS playlist
            "identifier": "fr",
            "name": "French",
            "automaticallyGenerated": True,
            "url": [
                {"type": "Link", "mediaType": "text/vtt", "href": f"{base}/fr.vtt"},
                {"type": "Link", "mediaType": "application/x-mpegURL", "href": f"{base}/fr.m3u8"},
            ],
        },
        {"identifier": "en", "name": "English", "url": f"{base}/en.vtt"},  # before PeerTube 7: one URL
        {"identifier": "xx-not-a-language", "name": "?", "url": f"{base}/xx.vtt"},
        {"identifier": "de", "name": "German", "url": [{"type": "Link", "mediaType": "text/html", "href": base}]},
    ]
    document = peer.video(video_uuid, "Captioned", subtitleLanguage=subtitles, hasParts=f"{peer.base}{chapters_path}")
    peer.publish(api, document)

    captions = api.get(f"/api/v1/videos/{video_uuid}/captions").json()
    assert captions["total"] == 2
    english, french = captions["data"]
    assert (english["language"], english["fileUrl"], english["m3u8Url"]) == (
        {"id": "en", "label": "English"},
        f"{base}/en.vtt",
        None,
    )
    assert (french["fileUrl"], french["m3u8Url"], french["automaticallyGenerated"]) == (
        f"{base}/fr.vtt",
        f"{base}/fr.m3u8",
        True,
    )
    chapters = api.get(f"/api/v1/videos/{video_uuid}/chapters").json()["chapters"]
    assert chapters == [{"timecode": 0, "title": "Intro"}, {"timecode": 10, "title": "Outro"}]

    # An Update: the origin dropped a caption and renamed a chapter; then one whose chapters
    # cannot be read keeps the chapters it had.
    start = [{"name": "Start", "startOffset": 0}]
    peer.objects[chapters_path] = {"id": f"{peer.base}{chapters_path}", "hasPart": start}
    newer = {**document, "updated": "2026-11-02T10:00:00.000Z", "subtitleLanguage": subtitles[1:]}
    update = {"type": "Update", "id": f"{document['id']}/updates/2", "actor": peer.url("carol"), "object": newer}
    assert peer.post(api, "/inbox", update, name="carol").status == 204
    drain_federation()
    assert [c["language"]["id"] for c in api.get(f"/api/v1/videos/{video_uuid}/captions").json()["data"]] == ["en"]
    assert api.get(f"/api/v1/videos/{video_uuid}/chapters").json()["chapters"] == [{"timecode": 0, "title": "Start"}]

    del peer.objects[chapters_path]  # 404 now
    newest = {**newer, "updated": "2026-11-03T10:00:00.000Z", "name": "Captioned again"}
    update = {"type": "Update", "id": f"{document['id']}/updates/3", "actor": peer.url("carol"), "object": newest}
    assert peer.post(api, "/inbox", update, name="carol").status == 204
    drain_federation()
    assert api.get(f"/api/v1/videos/{video_uuid}").json()["name"] == "Captioned again"
    assert api.get(f"/api/v1/videos/{video_uuid}/chapters").json()["chapters"] == [{"timecode": 0, "title": "Start"}]


def test_a_remote_videos_storyboard_is_listed_at_its_origin(
    peer: Peer, api: ApiClient, people: dict[str, Member]
) -> None:
    video_uuid = str(uuid.uuid4())
    sheet = f"{peer.base}/lazy-static/storyboards/{video_uuid}.jpg"
    link = {
        "mediaType": "image/jpeg",
        "href": sheet,
        "width": 1920,
        "height": 324,
        "tileWidth": 192,
        "tileHeight": 108,
        "tileDuration": "PT2S",
    }
    preview = [{"type": "Image", "rel": ["storyboard"], "url": [link]}]  # as PeerTube federates it
    document = peer.video(video_uuid, "Storyboarded", preview=preview)
    peer.publish(api, document)
    listed = api.get(f"/api/v1/videos/{video_uuid}/storyboards").json()["storyboards"]
    assert listed == [
        {
            "storyboardPath": sheet,
            "fileUrl": sheet,  # the origin's: nothing copied
            "totalHeight": 324,
            "totalWidth": 1920,
            "spriteHeight": 108,
            "spriteWidth": 192,
            "spriteDuration": 2,
        }
    ]
    assert_conforms("Storyboard", listed[0])
    # Our Video object of it names no preview of ours (its origin federates its own).
    ours = api.get(f"/videos/watch/{video_uuid}", headers={"Accept": "application/activity+json"})
    assert ours.status != 200 or "preview" not in ours.json()

    # Updates: a bad sheet is left out (the video stays), none drops it.
    def update(number: int, **changes: Any) -> None:
        newer = {**document, "updated": f"2026-11-0{number}T10:00:00.000Z", **changes}
        activity = {
            "type": "Update",
            "id": f"{document['id']}/updates/{number}",
            "actor": peer.url("carol"),
            "object": newer,
        }
        assert peer.post(api, "/inbox", activity, name="carol").status == 204
        drain_federation()

    for number, bad in enumerate(
        (
            {**link, "tileDuration": "2 seconds"},
            {**link, "width": 10**6},
            {**link, "tileWidth": 4000, "width": 1920},
            {**link, "href": "javascript:alert(1)"},
            {**link, "mediaType": "image/png"},
        ),
        start=2,
    ):
        update(number, preview=[{"type": "Image", "rel": ["storyboard"], "url": [bad]}])
        assert api.get(f"/api/v1/videos/{video_uuid}/storyboards").json() == {"storyboards": []}, bad
        assert api.get(f"/api/v1/videos/{video_uuid}").status == 200
    update(8, preview=preview)
    assert len(api.get(f"/api/v1/videos/{video_uuid}/storyboards").json()["storyboards"]) == 1
    update(9, preview=None)
    assert api.get(f"/api/v1/videos/{video_uuid}/storyboards").json() == {"storyboards": []}
