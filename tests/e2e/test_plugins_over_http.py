"""Server plugins under `make run`'s stack: the real title filter of plugins/, built by the
layer's own step into a directory CIRRUS_PLUGIN_PATH names, refuses an upload over HTTP with
its message; beside it, a plugin that raises, hangs or answers the wrong type in every hook
it has leaves uploads working, to a published video."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from layers.dependencies.build import install_plugins
from tests.conftest import ROOT, ROOT_PASSWORD
from tests.e2e.harness import Client, RunningStack, make_clip, needs_ffmpeg, wait_published

pytestmark = pytest.mark.e2e


@pytest.fixture
def plugin_stack(tmp_path: Path) -> Iterator[RunningStack]:
    target = tmp_path / "plugins"
    plugins_file = tmp_path / "plugins.txt"
    plugins_file.write_text(f"{ROOT / 'plugins' / 'title-filter'}\n")
    install_plugins(target, plugins_file)
    path = os.pathsep.join([str(target), str(ROOT / "tests" / "plugins" / "faulty")])
    running = RunningStack(tmp_path / "data", CIRRUS_PLUGIN_PATH=path)
    running.start()
    yield running
    if running.process is not None:
        running.stop(signal.SIGKILL)


def _upload(client: Client, token: str, channel_id: int, clip: Path, name: str) -> tuple[int, dict[str, object]]:
    with open(clip, "rb") as handle:
        response = client.send(
            "POST",
            "/api/v1/videos/upload",
            token,
            data={"name": name, "channelId": str(channel_id), "privacy": "1"},
            files={"videofile": ("clip.mp4", handle, "video/mp4")},
        )
    return response.status_code, response.json()


@needs_ffmpeg
def test_an_upload_refused_by_the_title_filter_and_one_a_faulty_plugin_cannot_break(
    plugin_stack: RunningStack, tmp_path: Path
) -> None:
    client = Client(plugin_stack)
    root = client.login("root", ROOT_PASSWORD)["access_token"]
    listed = client.send("GET", "/api/v1/plugins", root).json()
    assert sorted(plugin["name"] for plugin in listed["data"]) == ["faulty", "title-filter"]
    settings = {"title-pattern": "forbidden", "refusal-message": "Forbidden titles are refused here"}
    saved = client.send(
        "PUT", "/api/v1/plugins/peertube-plugin-title-filter/settings", root, json={"settings": settings}
    )
    assert saved.status_code == 204, saved.text

    client.register("vera", "vera password")
    token = client.login("vera", "vera password")["access_token"]
    channel_id = client.send("GET", "/api/v1/users/me", token).json()["videoChannels"][0]["id"]
    clip = make_clip(tmp_path / "clip.mp4")

    status, refused = _upload(client, token, channel_id, clip, "A forbidden title")
    assert (status, refused["detail"]) == (403, "Forbidden titles are refused here")

    status, created = _upload(client, token, channel_id, clip, "A welcome title")
    assert status == 200, created
    video = created["video"]
    assert isinstance(video, dict)
    published = wait_published(client, token, str(video["shortUUID"]))
    assert [f["resolution"]["id"] for f in published["streamingPlaylists"][0]["files"]] == [180, 144]
    assert "plugin hook failed" in plugin_stack.log.read_text()
