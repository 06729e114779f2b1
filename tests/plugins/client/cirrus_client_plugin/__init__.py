"""Client scripts and a stylesheet for the tests of their serving, and a common script whose
hooks all throw: the web client must go on without it."""

from __future__ import annotations

from typing import Any


def register(api: Any) -> None:
    api.register_client_script("client/common.js", scopes=["common", "video-watch", "a-scope-of-a-newer-peertube"])
    api.register_client_script("client/nested/watch.mjs", scopes=["video-watch"])
    api.register_css("client/style.css")
