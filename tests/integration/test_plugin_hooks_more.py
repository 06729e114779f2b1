"""The hook points of imports, lives, search and embeds, each with the sample plugin of
tests/plugins installed as production finds it (a fetched import that a plugin rejects:
tests/integration/test_video_imports.py)."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.integration.test_video_imports import IMPORTS, _enable, _enable_torrents, _mine, _start
from tests.video_seed import add_video


@pytest.fixture
def sample(install_plugins: Any) -> list[tuple[str, dict[str, Any]]]:
    install_plugins("sample")
    told: list[tuple[str, dict[str, Any]]] = sys.modules["cirrus_sample_plugin"].TOLD
    told.clear()
    return told


# --- Imports -----------------------------------------------------------------------------------


def test_an_import_may_be_refused_before_it_starts(api: ApiClient, people: Any, sample: Any) -> None:
    alice = people["alice"]
    _enable(api)
    _enable_torrents(api)
    refused = _start(api, alice, "https://videos.example.org/refused.mp4")
    assert (refused.status, refused.json()["detail"]) == (403, "The sample plugin refuses this import")
    magnet = {"magnetUri": "magnet:?xt=urn:btih:" + "a" * 40 + "&dn=refused.mp4", "channelId": alice.channel_id}
    refused = api.post_json(IMPORTS, magnet, alice.token)
    assert (refused.status, refused.json()["detail"]) == (403, "The sample plugin refuses this import")
    assert _mine(api, alice)["total"] == 0
    assert _start(api, alice, "https://videos.example.org/fine.mp4").status == 200


# --- Lives -------------------------------------------------------------------------------------


@pytest.fixture
def lives_on(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.config import get_settings

    monkeypatch.setenv("CIRRUS_LIVE_ENABLED", "true")
    monkeypatch.setenv("CIRRUS_LIVE_RTMP_URL", "rtmp://live.example.org:1935/live")
    get_settings.cache_clear()


def test_a_live_may_be_refused_and_its_creation_and_states_are_told(
    api: ApiClient, people: Any, sample: Any, lives_on: None
) -> None:
    from chalicelib.domain.live_ingest import record_state

    alice = people["alice"]
    body = {"channelId": alice.channel_id, "privacy": 1}
    refused = api.post_json("/api/v1/videos/live", {**body, "name": "A refused live"}, alice.token)
    assert (refused.status, refused.json()["detail"]) == (403, "The sample plugin refuses this live")
    created = api.post_json("/api/v1/videos/live", {**body, "name": "A fine live"}, alice.token)
    assert created.status == 200, created.body
    video_id = created.json()["video"]["id"]
    assert record_state(video_id, 1)
    assert [(name, params["video"].id) for name, params in sample] == [
        ("action:api.live-video.created", video_id),
        ("action:live.video.state.updated", video_id),
    ]
    assert sample[1][1]["state"] == 1


# --- Search ------------------------------------------------------------------------------------


def test_local_searches_pass_through_their_filters(api: ApiClient, people: Any, sample: Any) -> None:
    alice = people["alice"]
    add_video(alice.account_id, alice.channel_id, "shown in searches")
    found = api.get("/api/v1/search/videos?search=alias").json()
    assert [(video["name"], video["pluginNote"]) for video in found["data"]] == [("shown in searches", "searched")]
    channels = api.get("/api/v1/search/video-channels?search=alias").json()
    assert channels["total"] >= 1 and all(channel["pluginNote"] == "searched" for channel in channels["data"])
    assert any("alice" in channel["name"] for channel in channels["data"])


# --- Embeds ------------------------------------------------------------------------------------


def test_an_embed_may_be_refused_with_the_plugins_html(api: ApiClient, people: Any, sample: Any) -> None:
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "embedded")
    path = f"/api/v1/videos/{video.uuid}/embed-allowed"
    assert api.get(path).json() == {"allowed": True}
    assert api.get(f"{path}?referrer=https://friends.example/page").json() == {"allowed": True}
    refused = api.get(f"{path}?referrer=https://blocked.example/page&api=1").json()
    assert refused == {"allowed": False, "html": "<p>Not on blocked.example</p><script>alert(1)</script>"}
    assert api.get("/api/v1/videos/00000000-0000-4000-8000-000000000000/embed-allowed").status == 404
    playlist = api.post_json(
        "/api/v1/video-playlists",
        {"displayName": "Embedded", "privacy": 1, "videoChannelId": alice.channel_id},
        alice.token,
    ).json()["videoPlaylist"]
    playlist_path = f"/api/v1/video-playlists/{playlist['uuid']}/embed-allowed"
    assert api.get(playlist_path).json() == {"allowed": True}
    assert api.get(f"{playlist_path}?referrer=https://blocked.example/").json()["allowed"] is False


def test_without_plugins_every_embed_is_allowed(api: ApiClient, people: Any, install_plugins: Any) -> None:
    install_plugins()
    alice = people["alice"]
    video = add_video(alice.account_id, alice.channel_id, "embedded")
    answer = api.get(f"/api/v1/videos/{video.uuid}/embed-allowed?referrer=https://blocked.example/")
    assert answer.json() == {"allowed": True}
