"""Mirroring a remote video's HLS files over real HTTP (an origin on loopback serving files
from a directory): the copy is kept only when every segment matches the origin's
segments-sha256.json, names stay below the origin's directory, and the budget caps the bytes."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from chalicelib.activitypub import mirrors
from chalicelib.config import get_settings
from chalicelib.domain.oauth import utcnow
from chalicelib.media import layout
from chalicelib.store import keys, media, redundancies, videos
from chalicelib.store.models import Video, VideoFile
from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.members import Member
from tests.video_seed import add_video

NAME = "0b7c4f1e-9a2d-4c3b-8e5f-6a1d2c3b4e5f"
MEDIA = bytes(range(256)) * 40  # 10240 bytes, four segments


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def origin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, str]]:
    monkeypatch.setenv("CIRRUS_FEDERATION_ALLOW_LOOPBACK", "1")
    get_settings.cache_clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def write_origin(directory: Path, **changes: Any) -> None:
    segments = [(0, 2560), (2560, 2560), (5120, 2560), (7680, 2560)]
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-TARGETDURATION:2"]
    for offset, length in segments:
        lines += ["#EXTINF:2.000000,", f"#EXT-X-BYTERANGE:{length}@{offset}", f"{NAME}-144-fragmented.mp4"]
    hashes = {
        f"{offset}-{offset + length - 1}": hashlib.sha256(MEDIA[offset : offset + length]).hexdigest()
        for offset, length in segments
    }
    files = {
        f"{NAME}-master.m3u8": "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=50000\n" + f"{NAME}-144.m3u8\n",
        f"{NAME}-144.m3u8": "\n".join([*lines, "#EXT-X-ENDLIST", ""]),
        f"{NAME}-144-fragmented.mp4": MEDIA,
        f"{NAME}-segments-sha256.json": json.dumps({f"{NAME}-144-fragmented.mp4": hashes}),
        **changes,
    }
    for name, body in files.items():
        (directory / name).write_bytes(body if isinstance(body, bytes) else body.encode())


def remote_video(people: dict[str, Member], base: str) -> Video:
    alice = people["alice"]  # the owner does not matter to the copy
    video = add_video(
        alice.account_id,
        alice.channel_id,
        "From afar",
        is_local=False,
        url=f"{base}/videos/watch/{NAME}",
        remote_playlist_url=f"{base}/{NAME}-master.m3u8",
        remote_sha256_url=f"{base}/{NAME}-segments-sha256.json",
    )
    file = VideoFile(
        keys.video_pk(int(video.id)), keys.video_file_sk(144), video_id=int(video.id), resolution=144,
        width=256, height=144, fps=25, size=len(MEDIA), duration=8, bandwidth=50000,
        codecs="avc1.64000c", playlist_name=f"{NAME}-144.m3u8", media_name=f"{NAME}-144-fragmented.mp4",
    )  # fmt: skip
    videos.save_file(file)
    return video


def test_a_verified_copy_is_stored_under_the_redundancy_prefix(
    origin: tuple[Path, str], api: ApiClient, people: dict[str, Member]
) -> None:
    directory, base = origin
    write_origin(directory)
    video = remote_video(people, base)
    made = mirrors.mirror(video, "most-views", None, utcnow(), 10**6)
    assert int(made.size) == len(MEDIA) + sum(len(p.read_bytes()) for p in directory.iterdir() if p.suffix != ".mp4")
    stored = media.read_file(layout.redundancy_key(str(video.uuid), f"{NAME}-144-fragmented.mp4"))
    assert stored == MEDIA
    assert redundancies.of_video(int(video.id))[0].file_url == layout.redundancy_base_url(
        get_settings().instance_url, str(video.uuid)
    )


@pytest.mark.parametrize(
    "changes",
    [
        # One segment's bytes differ from the origin's hashes.
        {f"{NAME}-144-fragmented.mp4": MEDIA[:3000] + b"\0" + MEDIA[3001:]},
        # The master playlist names a playlist the video does not have, or one above its directory.
        {f"{NAME}-master.m3u8": "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nother.m3u8\n"},
        {f"{NAME}-master.m3u8": "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n../../etc/passwd\n"},
        # The resolution playlist plays another file.
        {f"{NAME}-144.m3u8": "#EXTM3U\n#EXT-X-BYTERANGE:10@0\nhttp://elsewhere.example/x.mp4\n"},
        # The hashes are not PeerTube's document.
        {f"{NAME}-segments-sha256.json": "[1, 2]"},
    ],
)
def test_a_copy_that_does_not_match_is_not_kept(
    changes: dict[str, Any], origin: tuple[Path, str], api: ApiClient, people: dict[str, Member]
) -> None:
    directory, base = origin
    write_origin(directory, **changes)
    video = remote_video(people, base)
    with pytest.raises(mirrors.MirrorFailed):
        mirrors.mirror(video, "most-views", None, utcnow(), 10**6)
    assert redundancies.of_video(int(video.id)) == []
    assert not media.exists(layout.redundancy_key(str(video.uuid), f"{NAME}-144-fragmented.mp4"))


def test_the_budget_caps_the_bytes_fetched(origin: tuple[Path, str], api: ApiClient, people: dict[str, Member]) -> None:
    directory, base = origin
    write_origin(directory)
    video = remote_video(people, base)
    with pytest.raises(mirrors.MirrorFailed):
        mirrors.mirror(video, "most-views", None, utcnow(), 5000)
    assert redundancies.of_video(int(video.id)) == []


def test_server_stats_report_the_mirrors(origin: tuple[Path, str], api: ApiClient, people: dict[str, Member]) -> None:
    directory, base = origin
    write_origin(directory)
    root = api.login("root", ROOT_PASSWORD)["access_token"]
    config = api.get_as("/api/v1/config/custom", root).json()
    config["redundancy"] = {"videos": {"strategies": [{"strategy": "trending", "size": 10**9, "minLifetime": 1}]}}
    assert api.put_json("/api/v1/config/custom", config, root).status == 200
    made = mirrors.mirror(remote_video(people, base), "manual", None, utcnow(), 10**6)
    figures = api.get("/api/v1/server/stats").json()["videosRedundancy"]
    assert figures == [
        {"strategy": "trending", "totalSize": 10**9, "totalUsed": 0, "totalVideos": 0, "totalVideoFiles": 0},
        {"strategy": "manual", "totalSize": None, "totalUsed": int(made.size), "totalVideos": 1, "totalVideoFiles": 1},
    ]


def _master(*resolutions: int) -> str:
    return "#EXTM3U\n" + "".join(f"#EXT-X-STREAM-INF:BANDWIDTH=50000\n{NAME}-{r}.m3u8\n" for r in resolutions)


def _add_rendition(directory: Path, resolution: int) -> None:
    """The origin plays one more rendition (the same bytes under the rendition's names), and
    its hashes name it; our view of the video is left as it was (behind)."""
    playlist = (directory / f"{NAME}-144.m3u8").read_text().replace(f"{NAME}-144-", f"{NAME}-{resolution}-")
    (directory / f"{NAME}-{resolution}.m3u8").write_text(playlist)
    (directory / f"{NAME}-{resolution}-fragmented.mp4").write_bytes(MEDIA)
    hashes = json.loads((directory / f"{NAME}-segments-sha256.json").read_text())
    hashes[f"{NAME}-{resolution}-fragmented.mp4"] = hashes[f"{NAME}-144-fragmented.mp4"]
    (directory / f"{NAME}-segments-sha256.json").write_text(json.dumps(hashes))


def _known_file(video: Video, resolution: int) -> VideoFile:
    return VideoFile(
        keys.video_pk(int(video.id)), keys.video_file_sk(resolution), video_id=int(video.id), resolution=resolution,
        width=resolution * 16 // 9, height=resolution, fps=25, size=len(MEDIA), duration=8, bandwidth=50000,
        codecs="avc1.64000c", playlist_name=f"{NAME}-{resolution}.m3u8",
        media_name=f"{NAME}-{resolution}-fragmented.mp4",
    )  # fmt: skip


def test_a_view_behind_the_origin_is_fetched_again_before_the_copy(
    origin: tuple[Path, str], api: ApiClient, people: dict[str, Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The origin publishes from its first rendition on: when its master names a rendition our
    view does not know yet (its Update still on its way), the video is fetched again from the
    origin, and the copy holds every rendition."""
    directory, base = origin
    write_origin(directory, **{f"{NAME}-master.m3u8": _master(144, 240)})
    video = remote_video(people, base)
    _add_rendition(directory, 240)
    fetched: list[str] = []

    def refetch(url: str, now: Any) -> Video:
        fetched.append(url)
        videos.save_file(_known_file(video, 240))  # what the origin's document now says
        return video

    monkeypatch.setattr("chalicelib.activitypub.remote.videos.refetch", refetch)
    mirrors.mirror(video, "manual", None, utcnow(), 10**6)
    assert fetched == [str(video.url)]
    for resolution in (144, 240):
        assert media.read_file(layout.redundancy_key(str(video.uuid), f"{NAME}-{resolution}-fragmented.mp4")) == MEDIA


def test_a_master_naming_what_the_origin_does_not_describe_is_refused(
    origin: tuple[Path, str], api: ApiClient, people: dict[str, Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    directory, base = origin
    write_origin(directory, **{f"{NAME}-master.m3u8": _master(144, 240)})
    video = remote_video(people, base)
    _add_rendition(directory, 240)
    monkeypatch.setattr("chalicelib.activitypub.remote.videos.refetch", lambda url, now: video)
    with pytest.raises(mirrors.MirrorFailed):
        mirrors.mirror(video, "manual", None, utcnow(), 10**6)
    assert redundancies.of_video(int(video.id)) == []


def test_a_copy_follows_the_origin_renditions(
    origin: tuple[Path, str], api: ApiClient, people: dict[str, Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rendition added at the origin is fetched into the copy; one the origin no longer plays
    leaves it; and a news of changed renditions queues that work only for a video we mirror."""
    from chalicelib.activitypub import mirror_news
    from chalicelib.domain import events

    directory, base = origin
    write_origin(directory)
    video = remote_video(people, base)
    first = mirrors.mirror(video, "manual", None, utcnow(), 10**6)

    queued: list[Any] = []
    monkeypatch.setattr(mirror_news.queues, "send_work", queued.extend)
    mirror_news.on_remote_video_stored(events.RemoteVideoStored(video, was_public=True))
    assert queued == []  # the same renditions
    mirror_news.on_remote_video_stored(events.RemoteVideoStored(video, was_public=True, renditions_changed=True))
    assert queued == [{"task": mirror_news.RESYNC_TASK, "video": int(video.id)}]

    _add_rendition(directory, 240)
    (directory / f"{NAME}-master.m3u8").write_text(_master(240))
    hashes = json.loads((directory / f"{NAME}-segments-sha256.json").read_text())
    del hashes[f"{NAME}-144-fragmented.mp4"]
    (directory / f"{NAME}-segments-sha256.json").write_text(json.dumps(hashes))
    (directory / f"{NAME}-144.m3u8").unlink()
    videos.list_files(int(video.id))[0].delete()  # our view now: 240p alone
    videos.save_file(_known_file(video, 240))
    again = mirrors.resync(video, 10**6, utcnow())
    assert again is not None and int(again.id) == int(first.id)
    prefix = layout.redundancy_prefix(str(video.uuid))
    assert sorted(key[len(prefix) :] for key in media.keys_under(prefix)) == sorted(
        [f"{NAME}-master.m3u8", f"{NAME}-240.m3u8", f"{NAME}-240-fragmented.mp4", f"{NAME}-segments-sha256.json"]
    )
    assert int(redundancies.of_video(int(video.id))[0].size) == int(again.size) > len(MEDIA)


def test_a_news_for_a_video_not_mirrored_queues_nothing(
    api: ApiClient, people: dict[str, Member], monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.activitypub import mirror_news
    from chalicelib.domain import events

    video = remote_video(people, "http://127.0.0.1:9")
    queued: list[Any] = []
    monkeypatch.setattr(mirror_news.queues, "send_work", queued.extend)
    mirror_news.on_remote_video_stored(events.RemoteVideoStored(video, was_public=True, renditions_changed=True))
    assert queued == []
