"""The administrator's `transcoding.resolutions` and `alwaysTranscodeOriginalResolution`
(PUT /api/v1/config/custom) decide an upload's ladder, as in PeerTube; by default Cirrus
makes every rendition up to the source's own."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD


@pytest.fixture
def root(api: ApiClient) -> str:
    return str(api.login("root", ROOT_PASSWORD)["access_token"])


def _ladder() -> list[int]:
    from chalicelib.domain.transcoding import make_plan
    from chalicelib.media.probe import MediaInfo
    from chalicelib.store.models import Video

    info = MediaInfo(10.0, 1920, 1080, 30.0, 4_000_000, "h264", "aac", 128_000)
    plan: dict[str, Any] = make_plan(info, video=Video("VIDEO#1", "VIDEO", id=1, uuid="u", name="v"))
    return [r["resolution"] for r in plan["renditions"]]


def _set(api: ApiClient, root: str, enabled: set[str], always_original: bool = True) -> None:
    custom = api.get_as("/api/v1/config/custom", root).json()
    custom["transcoding"]["resolutions"] = {key: key in enabled for key in custom["transcoding"]["resolutions"]}
    custom["transcoding"]["alwaysTranscodeOriginalResolution"] = always_original
    assert api.put_json("/api/v1/config/custom", custom, root).status == 200


def test_the_default_config_says_what_is_made(api: ApiClient, root: str) -> None:
    resolutions = api.get_as("/api/v1/config/custom", root).json()["transcoding"]["resolutions"]
    made = {f"{r}p" for r in _ladder()}
    assert made == {key for key, on in resolutions.items() if on and int(key[:-1]) <= 1080}


def test_the_enabled_resolutions_make_the_ladder(api: ApiClient, root: str) -> None:
    _set(api, root, {"480p", "240p"})
    assert _ladder() == [1080, 480, 240]

    _set(api, root, {"480p", "240p"}, always_original=False)
    assert _ladder() == [480, 240]

    _set(api, root, set())
    assert _ladder() == [1080]
