"""An administrator deletes some of a video's files (PeerTube's DELETE
/api/v1/videos/{id}/hls[/{videoFileId}] and /web-videos[/{videoFileId}]), over moto: only with
MANAGE_VIDEO_FILES, never the last files the video plays from, and what goes goes everywhere
(objects, torrents, descriptions, items, the master playlist's variant, its segment hashes)."""

from __future__ import annotations

import json

import pytest

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.domain import file_deletions, file_metadata, web_videos
from chalicelib.domain.video_file_ids import hls_file_id, web_file_id
from chalicelib.media import layout
from chalicelib.store import keys, media, videos
from chalicelib.store.models import Video, VideoFile
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.members import Member
from tests.security.private_media_support import HLS_NAME, published_video

PRIVATE = 3


@pytest.fixture
def root(api: ApiClient, people: dict[str, Member]) -> str:
    return str(api.login("root", ROOT_PASSWORD)["access_token"])


def _put(key: str, body: bytes = b"x") -> None:
    aws.s3().put_object(Bucket=get_settings().media_bucket, Key=key, Body=body)


def _with_rendition_144(video: Video, private: bool = False) -> VideoFile:
    file = VideoFile(
        keys.video_pk(int(video.id)), keys.video_file_sk(144), video_id=int(video.id), resolution=144,
        width=256, height=144, fps=25, size=1000, duration=4, bandwidth=50000,
        codecs="avc1.64000c,mp4a.40.2", playlist_name=f"{HLS_NAME}-144.m3u8",
        media_name=f"{HLS_NAME}-144-fragmented.mp4", torrent_name=f"{video.uuid}-0f6b0c0e-144-hls.torrent",
    )  # fmt: skip
    videos.save_file(file)
    for name in (file.playlist_name, file.media_name):
        _put(layout.hls_key(video.uuid, name, private))
    _put(layout.torrent_key(str(file.torrent_name)))
    hashes_key = layout.hls_key(video.uuid, f"{HLS_NAME}-segments-sha256.json", private)
    _put(hashes_key, json.dumps({f"{HLS_NAME}-240-fragmented.mp4": {}, file.media_name: {}}).encode())
    return file


def _with_web_rendition(video: Video, resolution: int = 240, private: bool = False) -> str:
    item = web_videos.rendition_item(
        video, resolution=resolution, width=426, height=resolution, fps=25, size=900, has_audio=True
    )
    videos.save_web_file(item)
    _put(layout.web_video_key(str(item.file_name), private))
    _put(layout.torrent_key(str(item.torrent_name)))
    file_metadata.store(video.uuid, str(item.file_name), {"streams": [], "format": {}, "chapters": []})
    return str(item.file_name)


def _exists(key: str) -> bool:
    return media.exists(key)


def test_only_an_administrator_deletes_files(api: ApiClient, people: dict[str, Member], root: str) -> None:
    video = published_video(people["alice"])
    path = f"/api/v1/videos/{video.uuid}/hls/{hls_file_id(int(video.id), 240)}"
    assert api.delete_as(path, None).status == 401
    for member in ("alice", "mod"):  # the owner, a moderator: not MANAGE_VIDEO_FILES
        refused = api.delete_as(path, people[member].token)
        assert refused.status == 403 and refused.content_type.startswith("application/problem+json"), member
    assert api.delete_as(f"/api/v1/videos/{video.uuid}/hls/abc", root).status == 400
    assert api.delete_as("/api/v1/videos/0f6b0c0e-aaaa-4bbb-8ccc-444455556666/hls", root).status == 404
    assert videos.list_files(int(video.id)), "nothing was deleted"


def test_the_last_files_a_video_plays_from_are_never_deleted(
    api: ApiClient, people: dict[str, Member], root: str
) -> None:
    video = published_video(people["alice"])
    base = f"/api/v1/videos/{video.uuid}"
    top = hls_file_id(int(video.id), 240)
    for path, status, detail in (
        (f"{base}/hls", 400, file_deletions.HLS_WITHOUT_WEB_VIDEOS),
        (f"{base}/hls/{top}", 400, file_deletions.LAST_HLS_FILE),
        (f"{base}/hls/{top + 1}", 404, file_deletions.UNKNOWN_HLS_FILE),
        (f"{base}/web-videos", 400, file_deletions.NO_WEB_VIDEOS),
        (f"{base}/web-videos/{web_file_id(int(video.id), 240, False)}", 404, file_deletions.UNKNOWN_WEB_FILE),
    ):
        answer = api.delete_as(path, root)
        assert (answer.status, answer.json()["detail"]) == (status, detail), path
    assert len(videos.list_files(int(video.id))) == 1
    assert _exists(layout.hls_key(video.uuid, f"{HLS_NAME}-240-fragmented.mp4"))


def test_one_hls_file_goes_and_the_playlists_follow(api: ApiClient, people: dict[str, Member], root: str) -> None:
    video = published_video(people["alice"], privacy=PRIVATE)
    kept = _with_rendition_144(video, private=True)
    gone_media = f"{HLS_NAME}-240-fragmented.mp4"
    file_metadata.store(video.uuid, gone_media, {"streams": [], "format": {}, "chapters": []})
    _put(layout.generated_key(video.uuid, "0" * 32))

    answer = api.delete_as(f"/api/v1/videos/{video.uuid}/hls/{hls_file_id(int(video.id), 240)}", root)
    assert answer.status == 204, answer.body
    assert [int(f.resolution) for f in videos.list_files(int(video.id))] == [144]
    for name in (gone_media, f"{HLS_NAME}-240.m3u8"):
        assert not _exists(layout.hls_key(video.uuid, name, private=True)), name
    assert not _exists(layout.file_metadata_key(video.uuid, gone_media))
    assert media.keys_under(layout.generated_prefix(video.uuid)) == []
    master = media.read_file(layout.hls_key(video.uuid, f"{HLS_NAME}-master.m3u8", private=True))
    assert master is not None and kept.playlist_name in master.decode() and "-240.m3u8" not in master.decode()
    hashes = media.read_file(layout.hls_key(video.uuid, f"{HLS_NAME}-segments-sha256.json", private=True))
    assert hashes is not None and list(json.loads(hashes)) == [kept.media_name]
    details = api.get_as(f"/api/v1/videos/{video.uuid}", people["alice"].token).json()
    assert [f["resolution"]["id"] for f in details["streamingPlaylists"][0]["files"]] == [144]


def test_web_videos_and_then_hls_go_each_while_the_other_remains(
    api: ApiClient, people: dict[str, Member], root: str
) -> None:
    alice = people["alice"]
    video = published_video(alice)
    _with_rendition_144(video)
    web_240 = _with_web_rendition(video, 240)
    web_144 = _with_web_rendition(video, 144)

    single = api.delete_as(f"/api/v1/videos/{video.uuid}/web-videos/{web_file_id(int(video.id), 144, False)}", root)
    assert single.status == 204, single.body
    assert not _exists(layout.web_video_key(web_144)) and _exists(layout.web_video_key(web_240))
    assert api.delete_as(f"/api/v1/videos/{video.uuid}/web-videos", root).status == 204
    assert videos.list_web_files(int(video.id)) == [] and not _exists(layout.web_video_key(web_240))
    assert not _exists(layout.file_metadata_key(video.uuid, web_240))
    # The web videos are gone: the HLS files are now the last, and stay.
    answer = api.delete_as(f"/api/v1/videos/{video.uuid}/hls", root)
    assert (answer.status, answer.json()["detail"]) == (400, file_deletions.HLS_WITHOUT_WEB_VIDEOS)

    _with_web_rendition(video, 240)
    assert api.delete_as(f"/api/v1/videos/{video.uuid}/hls", root).status == 204
    assert videos.list_files(int(video.id)) == []
    assert media.keys_under(layout.hls_prefix(video.uuid)) == []
    details = api.get_as(f"/api/v1/videos/{video.uuid}", alice.token).json()
    assert details["streamingPlaylists"] == [] and [f["resolution"]["id"] for f in details["files"]] == [240]
    last = api.delete_as(f"/api/v1/videos/{video.uuid}/web-videos/{web_file_id(int(video.id), 240, False)}", root)
    assert (last.status, last.json()["detail"]) == (400, file_deletions.WEB_VIDEOS_WITHOUT_HLS)
