"""Torrent imports under the local stack (`python -m local`), over HTTP: a real clip is made,
described by a .torrent whose tracker (on loopback) names one peer, a libtorrent session
seeding it on loopback. The .torrent is uploaded (multipart), fetched by the work function's
own libtorrent session, published as HLS, and ffprobe decodes it; a magnet link to the same
clip (its peer in `x.pe`) is imported too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import torrents
from tests.conftest import ROOT_PASSWORD
from tests.e2e.harness import (
    Client,
    RunningStack,
    decoded_seconds,
    make_clip,
    needs_ffmpeg,
    wait_import_published,
)

pytest.importorskip("libtorrent")


@pytest.fixture
def importing_stack(tmp_path: Path) -> Iterator[RunningStack]:
    # Loopback allowed for this test only: the seeder and the tracker are on 127.0.0.1.
    running = RunningStack(tmp_path / "data", CIRRUS_FEDERATION_ALLOW_LOOPBACK="1")
    running.start()
    yield running
    if running.process is not None:
        running.stop()


@needs_ffmpeg
def test_a_loopback_seeded_torrent_is_imported_and_published(importing_stack: RunningStack, tmp_path: Path) -> None:
    seeded = tmp_path / "seeded"
    seeded.mkdir()
    clip = make_clip(seeded / "harbour-at-dawn.mp4", seconds=3)
    client = Client(importing_stack)
    root = client.login("root", ROOT_PASSWORD)["access_token"]
    custom = client.send("GET", "/api/v1/config/custom", root).json()
    custom["import"]["videos"]["torrent"]["enabled"] = True
    assert client.send("PUT", "/api/v1/config/custom", root, json=custom).status_code == 200
    client.register("tove", "tove password")
    tove = client.login("tove", "tove password")["access_token"]
    channel_id = client.send("GET", "/api/v1/users/me", tove).json()["videoChannels"][0]["id"]

    plain = torrents.single_file(clip.name, clip.read_bytes())
    with torrents.seeding(plain, seeded) as (port, info_hash), torrents.tracker(port) as announce:
        with_tracker = torrents.single_file(clip.name, clip.read_bytes(), announce=announce)
        response = client.send(
            "POST",
            "/api/v1/videos/imports",
            tove,
            data={"channelId": str(channel_id), "privacy": "1"},
            files={"torrentfile": ("harbour.torrent", with_tracker, "application/x-bittorrent")},
        )
        assert response.status_code == 200, response.text
        started = response.json()
        assert (started["targetUrl"], started["magnetUri"], started["torrentName"]) == (None, None, clip.name)
        video = wait_import_published(client, tove, started["id"])
        assert video["name"] == "harbour-at-dawn"
        assert 2 <= decoded_seconds(video) <= 4

        magnet = f"magnet:?xt=urn:btih:{info_hash}&dn={clip.name}&x.pe=127.0.0.1:{port}"
        body = {"magnetUri": magnet, "channelId": channel_id, "privacy": 1, "name": "From a magnet"}
        response = client.send("POST", "/api/v1/videos/imports", tove, json=body)
        assert response.status_code == 200, response.text
        video = wait_import_published(client, tove, response.json()["id"])
        assert video["name"] == "From a magnet"
        assert 2 <= decoded_seconds(video) <= 4
