"""The plugin runner: discovery through entry points, PeerTube's filter and action
semantics, and plugins that raise, hang, return the wrong type or misspell a hook."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

import pytest

from chalicelib import plugins
from chalicelib.errors import ValidationError
from chalicelib.observability import metrics
from chalicelib.plugins import registry, runner
from chalicelib.plugins import settings as plugin_settings
from tests.conftest import ROOT


def counted(name: str) -> int:
    found = metrics.metric_set.get(name)
    return len(found["Value"]) if found else 0


def hook(name: str, handler: Any, priority: int = 0, order: int = 0) -> runner.Hook:
    return runner.Hook("p", name, handler, priority, order)


def test_plugins_are_found_through_their_dist_info_entry_points(install_plugins: Any) -> None:
    found = install_plugins("sample")
    assert list(found) == ["sample"]
    sample = found["sample"]
    assert (sample.version, sample.npm_name) == ("1.2.0", "peertube-plugin-sample")
    assert sample.description == "The sample plugin of Cirrus's tests"
    assert {hook.name for hook in sample.hooks} >= {
        "filter:api.video.upload.accept.result",
        "filter:transcoding.auto.resolutions-to-transcode.result",
        "action:api.video.uploaded",
    }
    assert plugins.run_filter("filter:transcoding.auto.resolutions-to-transcode.result", [720, 240]) == [
        240,
        720,
        1440,
    ]


def test_nothing_installed_means_every_hook_returns_its_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(plugins.PATH_VARIABLE, raising=False)
    plugins.reset()
    assert plugins.loaded() == {}
    assert plugins.run_filter("filter:api.video.get.result", {"id": 1}) == {"id": 1}
    assert plugins.accepted("filter:api.video.upload.accept.result") == (True, None)
    plugins.reset()


def test_importing_the_app_discovers_no_plugin() -> None:
    code = (
        "import sys, app\n"
        "from chalicelib import plugins\n"
        "assert plugins._Found.plugins is None, 'discovery ran at import'\n"
        "assert 'chalicelib.plugins.registry' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_filters_run_highest_priority_first_each_given_the_previous_result() -> None:
    hooks = runner.ordered(
        [
            hook("f", lambda value, params: [*value, "low"], priority=-1, order=1),
            hook("f", lambda value, params: [*value, "high"], priority=5, order=2),
            hook("f", lambda value, params: [*value, "zero-a"], order=3),
            hook("f", lambda value, params: [*value, "zero-b"], order=4),
        ]
    )
    assert runner.run_filter(hooks, [], {}, 1.0) == ["high", "zero-a", "zero-b", "low"]


def test_a_refusal_carries_the_plugins_message(aws: None, install_plugins: Any) -> None:
    install_plugins("sample")
    name = "filter:api.video.upload.accept.result"
    assert plugins.accepted(name, video_body={"name": "a refused title"}) == (
        False,
        "Titles with 'refused' are refused by the sample plugin",
    )
    assert plugins.accepted(name, video_body={"name": "fine"}) == (True, None)


def test_a_handler_that_raises_or_returns_the_wrong_type_is_skipped_and_counted() -> None:
    before = counted(runner.FAILURES_METRIC)

    def raises(value: Any, params: Any) -> Any:
        raise RuntimeError("boom")

    hooks = [
        hook("f", raises, order=1),
        hook("f", lambda value, params: "wrong", order=2),
        hook("f", lambda value, params: [*value, 1080], order=3),
    ]
    assert runner.run_filter(hooks, [720], {}, 1.0) == [720, 1080]
    assert counted(runner.FAILURES_METRIC) == before + 2


def test_a_handler_that_hangs_is_abandoned_when_its_budget_is_spent() -> None:
    before = counted(runner.FAILURES_METRIC)
    hooks = [hook("f", lambda value, params: time.sleep(2) or {"allowed": False})]
    started = time.monotonic()
    assert runner.run_filter(hooks, {"allowed": True}, {}, 0.1) == {"allowed": True}
    assert time.monotonic() - started < 1
    assert counted(runner.FAILURES_METRIC) == before + 1


def test_a_faulty_plugin_leaves_the_defaults_and_its_typo_is_counted(
    install_plugins: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "HOOK_BUDGET_SECONDS", 0.1)
    unknown = counted(registry.UNKNOWN_HOOKS_METRIC)
    found = install_plugins("faulty")
    assert counted(registry.UNKNOWN_HOOKS_METRIC) == unknown + 1
    assert "filter:api.video.uplaod.accept.result" not in {hook.name for hook in found["faulty"].hooks}
    assert plugins.accepted("filter:api.video.upload.accept.result", video_body={"name": "x"}) == (True, None)
    assert plugins.run_filter("filter:transcoding.auto.resolutions-to-transcode.result", [720]) == [720]
    plugins.run_action("action:api.video.uploaded", video=None)


def test_a_plugin_whose_register_raises_is_listed_with_no_hooks(
    install_plugins: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broken_plugin.py").write_text("def register(api):\n    raise ValueError('nope')\n")
    info = tmp_path / "broken_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[cirrus.plugins]\nbroken = broken_plugin:register\n")
    install_plugins("sample")
    monkeypatch.setenv(plugins.PATH_VARIABLE, str(tmp_path))
    plugins.reset()
    found = plugins.loaded()
    assert found["broken"].hooks == []
    assert "nope" in str(found["broken"].error)
    sys.path.remove(str(tmp_path))


def test_settings_are_checked_against_their_declared_types() -> None:
    declared = {
        "word": plugin_settings.declare("word", type="input"),
        "on": plugin_settings.declare("on", type="input-checkbox"),
        "mode": plugin_settings.declare("mode", type="select", options=[{"value": "a", "label": "A"}]),
    }
    assert plugin_settings.check(declared, {"word": "x", "on": "true", "mode": "a"}) == {
        "word": "x",
        "on": True,
        "mode": "a",
    }
    for bad in ({"word": 3}, {"on": "yes"}, {"mode": "z"}, {"unknown": "x"}, ["word"]):
        with pytest.raises(ValidationError):
            plugin_settings.check(declared, bad)
    with pytest.raises(ValueError, match="unknown type"):
        plugin_settings.declare("x", type="input-colour")


def test_a_verdict_that_does_not_say_yes_refuses_as_in_peertube() -> None:
    hooks = [hook("filter:x", lambda value, params: {"errorMessage": "no"})]
    plugins.loaded()
    plugins._Found.hooks = {"filter:x": hooks}
    try:
        assert plugins.accepted("filter:x") == (False, "no")
    finally:
        plugins.reset()
