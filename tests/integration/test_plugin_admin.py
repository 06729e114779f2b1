"""PeerTube's /api/v1/plugins with the sample plugin installed: listing, settings as
registered, stored and public, values checked by type, and installs refused with 409."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api_client import ApiClient
from tests.conftest import ROOT_PASSWORD
from tests.members import make_member
from tests.openapi import assert_conforms

SAMPLE = "/api/v1/plugins/peertube-plugin-sample"


@pytest.fixture
def root(api: ApiClient, install_plugins: Any) -> str:
    install_plugins("sample")
    return str(api.login("root", ROOT_PASSWORD)["access_token"])


def test_the_installed_plugins_are_listed_in_peertubes_shape(api: ApiClient, root: str) -> None:
    listed = api.get_as("/api/v1/plugins?pluginType=1", root)
    assert listed.status == 200, listed.body
    assert listed.json()["total"] == 1
    assert_conforms("PluginResponse", listed.json())
    plugin = listed.json()["data"][0]
    assert {key: plugin[key] for key in ("name", "type", "version", "latestVersion", "enabled", "uninstalled")} == {
        "name": "sample",
        "type": 1,
        "version": "1.2.0",
        "latestVersion": "1.2.0",
        "enabled": True,
        "uninstalled": False,
    }
    assert plugin["settings"] == {"refused-word": "refused", "secret": "s3cret", "enabled": True, "mode": "a"}
    assert api.get_as("/api/v1/plugins?pluginType=2", root).json() == {"total": 0, "data": []}
    assert api.get_as("/api/v1/plugins?uninstalled=true", root).json()["total"] == 0
    assert api.get_as(SAMPLE, root).json()["name"] == "sample"


def test_only_administrators_see_plugins(api: ApiClient, root: str) -> None:
    uma = make_member(api, root, "uma")
    assert api.get_as("/api/v1/plugins", uma.token).status == 403
    assert api.get_as("/api/v1/plugins", None).status == 401
    assert api.put_json(f"{SAMPLE}/settings", {"settings": {"mode": "b"}}, uma.token).status == 403


def test_unknown_or_malformed_names(api: ApiClient, root: str) -> None:
    assert api.get_as("/api/v1/plugins/peertube-plugin-nothing", root).status == 404
    assert api.get_as("/api/v1/plugins/not-a-plugin-name", root).status == 400
    assert api.get_as("/api/v1/plugins/peertube-theme-sample", root).status == 404


def test_settings_are_saved_checked_and_public_ones_shown_to_anyone(api: ApiClient, root: str) -> None:
    registered = api.get_as(f"{SAMPLE}/registered-settings", root).json()["registeredSettings"]
    assert [(s["name"], s["type"]) for s in registered] == [
        ("refused-word", "input"),
        ("secret", "input-password"),
        ("enabled", "input-checkbox"),
        ("mode", "select"),
    ]
    assert registered[3]["options"] == [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]
    saved = api.put_json(f"{SAMPLE}/settings", {"settings": {"refused-word": "cats", "mode": "b"}}, root)
    assert saved.status == 204, saved.body
    assert api.get_as(f"{SAMPLE}/settings", root).json()["settings"] == {
        "refused-word": "cats",
        "secret": "s3cret",
        "enabled": True,
        "mode": "b",
    }
    public = api.get_as(f"{SAMPLE}/public-settings", None)
    assert public.status == 200
    assert public.json() == {"publicSettings": {"refused-word": "cats", "enabled": True}}


@pytest.mark.parametrize(
    "settings",
    [{"mode": "c"}, {"enabled": "maybe"}, {"refused-word": 4}, {"nope": "x"}, "not an object"],
)
def test_a_value_of_the_wrong_type_is_refused(api: ApiClient, root: str, settings: Any) -> None:
    refused = api.put_json(f"{SAMPLE}/settings", {"settings": settings}, root)
    assert refused.status == 400, refused.body
    assert api.get_as(f"{SAMPLE}/settings", root).json()["settings"]["mode"] == "a"


@pytest.mark.parametrize("action", ["install", "update", "uninstall"])
def test_installing_through_the_api_is_refused(api: ApiClient, root: str, action: str) -> None:
    refused = api.post_json(f"/api/v1/plugins/{action}", {"npmName": "peertube-plugin-hello"}, root)
    assert refused.status == 409
    assert "installed at deploy time" in refused.json()["detail"]


def test_a_plugins_router_answers_under_its_name_and_version(api: ApiClient, root: str) -> None:
    pong = api.get_as("/plugins/sample/router/ping?x=1", root)
    assert pong.status == 200, pong.body
    assert pong.json() == {"message": "pong", "user": "root", "query": {"x": "1"}}
    assert api.get("/plugins/sample/1.2.0/router/ping").json()["user"] is None
    stored = api.post_json("/plugins/sample/router/notes/store", {"text": "hello"})
    assert (stored.status, stored.json()) == (201, {"stored": {"text": "hello"}})
    for missing in ("/plugins/sample/9.9.9/router/ping", "/plugins/sample/router/nothing", "/plugins/none/router/ping"):
        assert api.get(missing).status == 404, missing
    assert api.get("/plugins/sample/router/fails").status == 500
