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
from tests.video_seed import add_video


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


def test_comment_threads_and_replies_may_be_refused(
    api: ApiClient, people: dict[str, Member], install_plugins: Any
) -> None:
    install_plugins("sample")
    alice, bob = people["alice"], people["bob"]
    video = add_video(alice.account_id, alice.channel_id, "talked about")
    path = f"/api/v1/videos/{video.uuid}/comment-threads"
    refused = api.post_json(path, {"text": "a refused thread"}, bob.token)
    assert (refused.status, refused.json()["detail"]) == (403, "The sample plugin refuses this comment")
    thread = api.post_json(path, {"text": "a fine thread"}, bob.token)
    assert thread.status == 200, thread.body
    reply_path = f"/api/v1/videos/{video.uuid}/comments/{thread.json()['comment']['id']}"
    assert api.post_json(reply_path, {"text": "a refused reply"}, alice.token).status == 403
    assert api.post_json(reply_path, {"text": "thanks"}, alice.token).status == 200
    assert api.get_as(path, None).json()["totalNotDeletedComments"] == 2


def test_a_remote_comment_may_be_refused(api: ApiClient, people: dict[str, Member], install_plugins: Any) -> None:
    from chalicelib.config import get_settings
    from chalicelib.domain import comments
    from chalicelib.domain.oauth import utcnow

    install_plugins("sample")
    alice, bob = people["alice"], people["bob"]
    video = add_video(alice.account_id, alice.channel_id, "talked about")
    url = "https://peer.example/comments/"
    settings = get_settings()
    assert not comments.add_remote(video, bob.account_id, "refused", url + "1", None, settings, utcnow())
    assert comments.add_remote(video, bob.account_id, "welcome", url + "2", None, settings, utcnow())
    listed = api.get_as(f"/api/v1/videos/{video.uuid}/comment-threads", None).json()
    assert [thread["text"] for thread in listed["data"]] == ["welcome"]


def test_signup_may_be_refused_by_a_plugin(
    api: ApiClient, install_plugins: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.config import get_settings

    monkeypatch.setenv("CIRRUS_SIGNUP_ENABLED", "true")
    monkeypatch.setenv("CIRRUS_SIGNUP_REQUIRES_APPROVAL", "false")
    get_settings.cache_clear()
    install_plugins("sample")

    def register(username: str) -> ApiResponse:
        body = {"username": username, "password": f"{username} password", "email": f"{username}@example.org"}
        return api.post_json("/api/v1/users/register", body)

    refused = register("refused_dora")
    assert (refused.status, refused.json()["detail"]) == (403, "The sample plugin refuses this username")
    assert register("dora").status == 204


def test_video_lists_and_gets_pass_through_their_filters(
    api: ApiClient, people: dict[str, Member], install_plugins: Any
) -> None:
    install_plugins("sample")
    alice = people["alice"]
    shown = add_video(alice.account_id, alice.channel_id, "shown")
    add_video(alice.account_id, alice.channel_id, "hidden by the plugin", minutes=1)
    listed = api.get("/api/v1/videos").json()
    assert (listed["total"], [video["name"] for video in listed["data"]]) == (1, ["shown"])
    got = api.get(f"/api/v1/videos/{shown.uuid}").json()
    assert got["pluginNote"] == f"seen by the sample plugin ({shown.uuid})"


def test_a_download_may_be_refused(api: ApiClient, people: dict[str, Member], install_plugins: Any) -> None:
    from chalicelib.store import keys, videos
    from chalicelib.store.models import WebVideoFile

    install_plugins("sample")
    alice = people["alice"]
    paths = {}
    for name in ("nodownload please", "downloadable"):
        video = add_video(alice.account_id, alice.channel_id, name, download_enabled=True)
        videos.save_web_file(
            WebVideoFile(
                keys.video_pk(int(video.id)),
                keys.web_video_file_sk(240),
                video_id=int(video.id),
                resolution=240,
                width=426,
                height=240,
                fps=25,
                size=10,
                extension=".mp4",
                file_name=f"{video.uuid}-240.mp4",
                content_type="video/mp4",
                has_audio=True,
                has_video=True,
            )
        )
        paths[name] = f"/download/web-videos/{video.uuid}-240.mp4"
    refused = api.get(paths["nodownload please"])
    assert (refused.status, refused.json()["detail"]) == (403, "The sample plugin refuses this download")
    assert api.get(paths["downloadable"]).status == 302


def test_the_auto_blacklist_may_be_turned_on_by_a_plugin(api: ApiClient, uma: Member, install_plugins: Any) -> None:
    from chalicelib.store import videos

    install_plugins("sample")
    blocked = _upload(api, uma, "blacklist me").json()["video"]
    free = _upload(api, uma, "let me be").json()["video"]
    assert videos.find_video_by_uuid(blocked["uuid"]).blacklist["type"] == 2
    assert videos.find_video_by_uuid(free["uuid"]).blacklist is None
