"""Redundancy between two Cirrus instances on loopback: A follows B and allows mirroring B;
B's video is mirrored to A (asked for by A's administrator, then chosen by A's most-views
strategy on its schedule), A's copy is byte for byte B's, checked against B's segment hashes
before A announced it; B lists A's mirror in the video's redundancies, and forgets it when A
drops the copy. Real HTTP, real signatures, each stack's own queues and functions."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import ROOT_PASSWORD
from tests.e2e.harness import (
    FEDERATION_ENV,
    Client,
    RunningStack,
    all_renditions_in,
    make_clip,
    needs_ffmpeg,
    wait_for,
    wait_published,
)


@pytest.fixture
def mirroring(tmp_path: Path) -> Iterator[tuple[RunningStack, RunningStack]]:
    """A (mirrors, its redundancy schedule every few seconds) and B (mirrored)."""
    often = {"CIRRUS_SCHEDULE_REDUNDANCY_SECONDS": "3"}
    a = RunningStack(tmp_path / "a", bind="127.0.0.1", named_by_address=True, **often, **FEDERATION_ENV)
    b = RunningStack(tmp_path / "b", bind="127.0.0.2", named_by_address=True, **FEDERATION_ENV)
    a.start()
    b.start()
    yield a, b
    for stack in (a, b):
        if stack.process is not None:
            stack.stop()


def publish_on(client: Client, tmp_path: Path, complete: bool = True) -> str:
    client.register("carol", "carol password")
    carol = client.login("carol", "carol password")["access_token"]
    channel_id = client.send("GET", "/api/v1/users/me", carol).json()["videoChannels"][0]["id"]
    with open(make_clip(tmp_path / "clip.mp4"), "rb") as handle:
        uploaded = client.send(
            "POST",
            "/api/v1/videos/upload",
            carol,
            data={"name": "Worth mirroring", "channelId": str(channel_id), "privacy": "1"},
            files={"videofile": ("clip.mp4", handle, "video/mp4")},
        )
    assert uploaded.status_code == 200, uploaded.text
    uuid = str(uploaded.json()["video"]["uuid"])
    wait_published(client, carol, uuid, complete=complete)
    return uuid


def mirrored(client: Client, token: str, target: str) -> list[dict[str, Any]]:
    answer = client.send("GET", f"/api/v1/server/redundancy/videos?target={target}", token)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["data"])


def check_copy(playlist: dict[str, Any], mirror_base: str) -> int:
    """Every file of the origin's HLS playlist is served by the mirror, the same bytes, and
    every segment of it has the hash the origin published; the number of segments checked."""
    origin_base, master_name = playlist["playlistUrl"].rsplit("/", 1)
    master = requests.get(playlist["playlistUrl"], timeout=30).text
    assert requests.get(f"{mirror_base}/{master_name}", timeout=30).text == master
    hashes = requests.get(playlist["segmentsSha256Url"], timeout=30).json()
    checked = 0
    for variant in [line for line in master.splitlines() if line and not line.startswith("#")]:
        playlist = requests.get(f"{mirror_base}/{variant}", timeout=30).text
        assert playlist == requests.get(f"{origin_base}/{variant}", timeout=30).text
        media_name = next(line for line in playlist.splitlines() if line and not line.startswith("#"))
        body = requests.get(f"{mirror_base}/{media_name}", timeout=60).content
        assert body == requests.get(f"{origin_base}/{media_name}", timeout=60).content
        for byte_range, digest in hashes[media_name].items():
            first, last = (int(n) for n in byte_range.split("-"))
            assert hashlib.sha256(body[first : last + 1]).hexdigest() == digest
            checked += 1
    return checked


@needs_ffmpeg
def test_b_video_is_mirrored_on_a_and_b_lists_the_mirror(
    mirroring: tuple[RunningStack, RunningStack], tmp_path: Path
) -> None:
    a, b = mirroring
    on_a, on_b = Client(a), Client(b)
    root_a = on_a.login("root", ROOT_PASSWORD)["access_token"]
    root_b = on_b.login("root", ROOT_PASSWORD)["access_token"]

    # Mirroring is allowed for followed instances only: unknown to A, B cannot be allowed yet.
    allow = {"redundancyAllowed": True}
    assert on_a.send("PUT", f"/api/v1/server/redundancy/{b.host}", root_a, json=allow).status_code == 404
    assert on_a.send("POST", "/api/v1/server/following", root_a, json={"hosts": [b.host]}).status_code == 204
    wait_for(
        "B's Accept",
        lambda: [f for f in on_a.send("GET", "/api/v1/server/following").json()["data"] if f["state"] == "accepted"],
    )
    assert on_a.send("PUT", f"/api/v1/server/redundancy/{b.host}", root_a, json=allow).status_code == 204
    following = on_a.send("GET", "/api/v1/server/following").json()["data"]
    assert [f["following"]["hostRedundancyAllowed"] for f in following] == [True]

    # A is asked for its mirror as soon as it hears of the video, while B still adds renditions
    # (published from its first one on): A's copy must end up with every one B's master names.
    uuid = publish_on(on_b, tmp_path, complete=False)
    on_a_video = wait_for("B's video on A", lambda: _found(on_a.send("GET", f"/api/v1/videos/{uuid}")))
    origin = on_a_video["streamingPlaylists"][0]
    origin_playlist = origin["playlistUrl"]
    assert origin_playlist.startswith(f"{b.url}/static/streaming-playlists/hls/{uuid}/")

    # A's administrator asks for a mirror (B's own videos cannot be mirrored on B).
    on_b_id = on_b.send("GET", f"/api/v1/videos/{uuid}").json()["id"]
    local = on_b.send("POST", "/api/v1/server/redundancy/videos", root_b, json={"videoId": on_b_id})
    assert local.status_code == 400
    asked = on_a.send("POST", "/api/v1/server/redundancy/videos", root_a, json={"videoId": on_a_video["id"]})
    assert asked.status_code == 204, asked.text
    listed = wait_for("A's mirror", lambda: mirrored(on_a, root_a, "remote-videos"))
    mirror = listed[0]["redundancies"]["streamingPlaylists"][0]
    base = f"{a.url}/static/redundancy/hls/{uuid}"
    assert listed[0]["uuid"] == uuid and mirror["fileUrl"] == base and mirror["strategy"] == "manual"
    assert mirror["size"] > 0 and mirror["expiresOn"] is None
    again = on_a.send("POST", "/api/v1/server/redundancy/videos", root_a, json={"videoId": on_a_video["id"]})
    assert again.status_code == 409
    wait_for("B's last rendition", lambda: all_renditions_in(on_b.send("GET", f"/api/v1/videos/{uuid}").json()))
    assert wait_for("A's copy of every rendition", lambda: _whole_copy(origin, base)) > 1

    # B heard of it (a CacheFile from A) and lists it; so does A for its own copy.
    def b_redundancies() -> list[dict[str, Any]]:
        return list(on_b.send("GET", f"/api/v1/videos/{uuid}").json()["streamingPlaylists"][0]["redundancies"])

    assert wait_for("A's mirror on B", b_redundancies) == [{"baseUrl": base}]
    assert [v["uuid"] for v in mirrored(on_b, root_b, "my-videos")] == [uuid]
    on_a_now = on_a.send("GET", f"/api/v1/videos/{uuid}").json()
    assert on_a_now["streamingPlaylists"][0]["redundancies"] == [{"baseUrl": base}]

    # A drops the mirror: its files go, and B forgets it (Undo).
    assert on_a.send("DELETE", f"/api/v1/server/redundancy/videos/{mirror['id']}", root_a).status_code == 204
    master_copy = f"{base}/{origin_playlist.rsplit('/', 1)[1]}"
    wait_for("the copy's deletion", lambda: requests.get(master_copy, timeout=30).status_code == 404)
    wait_for("the Undo on B", lambda: b_redundancies() == [])
    assert mirrored(on_a, root_a, "remote-videos") == []

    # A's most-views strategy mirrors it again on its own (the schedule runs every 3 s here).
    mirrored_by_strategy(on_a, root_a, origin, base, b_redundancies)


def mirrored_by_strategy(
    on_a: Client, root_a: str, origin: dict[str, Any], base: str, b_redundancies: Callable[[], Any]
) -> None:
    config = on_a.send("GET", "/api/v1/config/custom", root_a).json()
    strategy = {"strategy": "most-views", "size": 100 * 1024 * 1024, "minLifetime": 25 * 3600 * 1000}
    config["redundancy"] = {"videos": {"strategies": [strategy]}}
    bad = json.loads(json.dumps(config))
    bad["redundancy"]["videos"]["strategies"] = [{**strategy, "strategy": "everything"}]
    assert on_a.send("PUT", "/api/v1/config/custom", root_a, json=bad).status_code == 400
    assert on_a.send("PUT", "/api/v1/config/custom", root_a, json=config).status_code == 200
    listed = wait_for("the scheduled mirror", lambda: mirrored(on_a, root_a, "remote-videos"))
    scheduled = listed[0]["redundancies"]["streamingPlaylists"][0]
    assert scheduled["strategy"] == "most-views" and scheduled["expiresOn"] is not None
    assert wait_for("the scheduled mirror on B", b_redundancies) == [{"baseUrl": base}]
    assert check_copy(origin, base) > 0


def _whole_copy(origin: dict[str, Any], base: str) -> int | None:
    """The segments checked once the mirror holds all the origin plays (None until then)."""
    try:
        return check_copy(origin, base)
    except (AssertionError, StopIteration, KeyError, ValueError):
        return None


def _found(answer: requests.Response) -> dict[str, Any] | None:
    if answer.status_code != 200:
        return None
    body: dict[str, Any] = answer.json()
    return body if body.get("streamingPlaylists") else None
