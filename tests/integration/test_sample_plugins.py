"""The two real plugins of plugins/, built and installed by the layer's own step
(layers/dependencies/build.py, from a plugins.txt) into a directory that CIRRUS_PLUGIN_PATH
names, then driven through the API and the transcoding plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from layers.dependencies.build import install_plugins as install_from_file
from tests.api_client import ApiClient
from tests.conftest import ROOT, ROOT_PASSWORD
from tests.members import Member, make_member

TITLE_FILTER = "/api/v1/plugins/peertube-plugin-title-filter"
CHANNEL_1440P = "/api/v1/plugins/peertube-plugin-channel-1440p"


@pytest.fixture(scope="module")
def layer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample plugins as `make package` installs them."""
    work = tmp_path_factory.mktemp("layer")
    plugins_file = work / "plugins.txt"
    plugins_file.write_text(f"{ROOT / 'plugins' / 'title-filter'}\n{ROOT / 'plugins' / 'channel-1440p'}\n")
    target = work / "python"
    install_from_file(target, plugins_file)
    return target


@pytest.fixture
def admin(api: ApiClient, layer: Path, install_plugins: Any) -> str:
    found = install_plugins(str(layer))
    assert sorted(found) == ["channel-1440p", "title-filter"]
    return str(api.login("root", ROOT_PASSWORD)["access_token"])


def _upload(api: ApiClient, member: Member, name: str) -> Any:
    body = {"name": name, "channelId": member.channel_id, "filename": "a.mp4", "size": 1000, "mimeType": "video/mp4"}
    return api.post_json("/api/v1/videos/upload-s3", body, member.token)


def test_the_title_filter_refuses_titles_matching_the_administrators_pattern(api: ApiClient, admin: str) -> None:
    uma = make_member(api, admin, "uma")
    assert _upload(api, uma, "Free crypto giveaway").status == 200  # no pattern yet: nothing refused
    settings = {"title-pattern": r"crypto\s+giveaway", "refusal-message": "No giveaways here"}
    assert api.put_json(f"{TITLE_FILTER}/settings", {"settings": settings}, admin).status == 204
    refused = _upload(api, uma, "FREE CRYPTO  GIVEAWAY")
    assert (refused.status, refused.json()["detail"]) == (403, "No giveaways here")
    assert _upload(api, uma, "Birds of the lake").status == 200


def test_a_broken_pattern_refuses_nothing(api: ApiClient, admin: str) -> None:
    uma = make_member(api, admin, "uma")
    assert api.put_json(f"{TITLE_FILTER}/settings", {"settings": {"title-pattern": "(["}}, admin).status == 204
    assert _upload(api, uma, "Anything").status == 200


def test_channel_1440p_adds_the_rendition_for_listed_channels_only(api: ApiClient, admin: str) -> None:
    from chalicelib.domain.transcoding import make_plan
    from chalicelib.media.probe import MediaInfo
    from chalicelib.store import videos

    uma, ivy = make_member(api, admin, "uma"), make_member(api, admin, "ivy")
    saved = api.put_json(f"{CHANNEL_1440P}/settings", {"settings": {"channels": "other\numa_channel"}}, admin)
    assert saved.status == 204, saved.body
    info = MediaInfo(10.0, 1920, 1080, 30.0, 4_000_000, "h264", "aac", 128_000)
    listed = videos.find_video_by_uuid(_upload(api, uma, "In a listed channel").json()["video"]["uuid"])
    other = videos.find_video_by_uuid(_upload(api, ivy, "In another channel").json()["video"]["uuid"])
    assert [r["resolution"] for r in make_plan(info, video=listed)["renditions"]][:2] == [1440, 1080]
    assert max(r["resolution"] for r in make_plan(info, video=other)["renditions"]) == 1080
