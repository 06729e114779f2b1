"""The themes the API lists are those the web client is built with (web/package.json)."""

from __future__ import annotations

import json
from pathlib import Path

from chalicelib.domain import themes

WEB = Path(__file__).resolve().parents[2] / "web"


def test_registered_themes_are_the_web_clients_theme_packages() -> None:
    dependencies = json.loads((WEB / "package.json").read_text())["dependencies"]
    installed = {name: version for name, version in dependencies.items() if name.startswith("peertube-theme-")}
    assert installed == {t["npmName"]: t["version"] for t in themes.REGISTERED}
    for theme in themes.REGISTERED:
        assert theme["npmName"] == f"peertube-theme-{theme['name']}"
        package = WEB / "node_modules" / theme["npmName"] / "package.json"
        if package.exists():  # installed: its CSS files are the ones listed
            assert json.loads(package.read_text())["css"] == theme["css"]


def test_theme_names() -> None:
    assert themes.is_registered("background-red")
    assert themes.is_registered("peertube-core-dark-brown")
    assert not themes.is_registered("peertube-theme-background-red")
    assert not themes.is_registered(None)
    assert themes.server_config("nope")["default"] == "default"
