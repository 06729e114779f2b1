"""The themes an instance offers (docs/appearance.md): PeerTube's two built-in ones and the
theme packages installed with the web client at build time (web/package.json).

A theme is CSS over PeerTube's custom properties; the web client loads the chosen one's
files. Cirrus runs no theme's client scripts, so none is listed.
"""

from __future__ import annotations

from typing import Any

DEFAULT_THEME = "default"  # PeerTube's: the instance's own look
INSTANCE_DEFAULT = "instance-default"  # a user's: follow the instance
BUILT_IN = ("peertube-core-dark-brown", "peertube-core-light-beige")
# The npm packages of web/package.json's peertube-theme-* dependencies, as PeerTube lists
# registered themes (tests/unit checks this agrees with the installed package).
REGISTERED: tuple[dict[str, Any], ...] = (
    {
        "npmName": "peertube-theme-background-red",
        "name": "background-red",
        "version": "0.0.5",
        "description": "Example PeerTube theme",
        "css": ["assets/style1.css", "assets/style2.css"],
        "clientScripts": {},
    },
)


def is_registered(name: object) -> bool:
    """PeerTube's isThemeRegistered: a built-in or installed theme, or one of the two defaults."""
    if not isinstance(name, str):
        return False
    return name in (DEFAULT_THEME, INSTANCE_DEFAULT, *BUILT_IN) or any(t["name"] == name for t in REGISTERED)


def server_config(default: str) -> dict[str, Any]:
    """ServerConfig's `theme` minus `customization` (from the custom configuration)."""
    return {
        "registered": [dict(theme) for theme in REGISTERED],
        "builtIn": [{"name": name} for name in BUILT_IN],
        "default": default if is_registered(default) and default != INSTANCE_DEFAULT else DEFAULT_THEME,
    }
