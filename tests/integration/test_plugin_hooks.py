"""Each hook point Cirrus runs, with the sample plugins of tests/plugins installed the way
production finds them (entry points of a dist-info on CIRRUS_PLUGIN_PATH)."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from chalicelib.plugins import runner
from chalicelib.store import plugins as plugin_store
from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD
from tests.members import Member, make_member


@pytest.fixture
def uma(api: ApiClient) -> Member:
    return make_member(api, api.login("root", ROOT_PASSWORD)["access_token"], "uma")


def _upload(api: ApiClient, member: Member, name: str) -> ApiResponse:
    body = {"name": name, "channelId": member.channel_id, "filename": "a.mp4", "size": 1000, "mimeType": "video/mp4"}
    return api.post_json("/api/v1/videos/upload-s3", body, member.token)


def _videos() -> int:
    from chalicelib.store.models import Video

    return sum(1 for _ in Video.scan())


def test_an_upload_refused_by_a_plugin_gets_403_with_its_message(
    api: ApiClient, uma: Member, install_plugins: Any
) -> None:
    install_plugins("sample")
    refused = _upload(api, uma, "A refused title")
    assert refused.status == 403, refused.body
    assert refused.json()["detail"] == "Titles with 'refused' are refused by the sample plugin"
    assert _videos() == 0
    assert _upload(api, uma, "A fine title").status == 200


def test_the_refusal_follows_the_administrators_setting(api: ApiClient, uma: Member, install_plugins: Any) -> None:
    install_plugins("sample")
    plugin_store.save_settings("sample", {"refused-word": "cats"})
    assert _upload(api, uma, "A refused title").status == 200
    assert _upload(api, uma, "Some cats").status == 403


def test_the_uploaded_action_is_told_once_the_video_is_stored(
    api: ApiClient, uma: Member, install_plugins: Any
) -> None:
    install_plugins("sample")
    told = sys.modules["cirrus_sample_plugin"].TOLD
    told.clear()
    created = _upload(api, uma, "Told")
    assert created.status == 200, created.body
    video_uuid = created.json()["video"]["uuid"]
    assert [(name, params["video"].uuid) for name, params in told] == [("action:api.video.uploaded", video_uuid)]
    assert plugin_store.get_value("sample", "last-upload") == video_uuid


def test_a_plugin_failing_in_every_hook_leaves_uploads_working(
    api: ApiClient, uma: Member, install_plugins: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "HOOK_BUDGET_SECONDS", 0.2)
    install_plugins("faulty")
    created = _upload(api, uma, "Still works")
    assert created.status == 200, created.body
    assert _videos() == 1


def test_the_resolutions_filter_changes_an_uploads_ladder(aws: None, install_plugins: Any) -> None:
    from chalicelib.domain.transcoding import make_plan
    from chalicelib.media.probe import MediaInfo
    from chalicelib.store.models import Video

    info = MediaInfo(10.0, 1920, 1080, 30.0, 4_000_000, "h264", "aac", 128_000)
    video = Video("VIDEO#1", "VIDEO", id=1, uuid="u", name="v")
    default = [r["resolution"] for r in make_plan(info, video=video)["renditions"]]
    install_plugins("sample")
    changed = make_plan(info, video=video)["renditions"]
    assert [r["resolution"] for r in changed] == [1440, *default]
    assert (changed[0]["width"], changed[0]["height"]) == (2560, 1440)
    assert [r["resolution"] for r in make_plan(info)["renditions"]] == default  # not an upload: untouched
