"""A client plugin: a button under the watch page's player that gives the link to the
moment being watched (`/w/<id>?start=<seconds>`), in a notice and on the clipboard.

The server part only declares the client files and the button's label, a public setting
that the client script reads with `peertubeHelpers.getSettings()`.
"""

from __future__ import annotations

from typing import Any

DEFAULT_LABEL = "Link to this moment"


def register(api: Any) -> None:
    api.register_setting(
        "button-label",
        label="The button's label",
        type="input",
        default=DEFAULT_LABEL,
        private=False,
        description="Shown under the player of every video.",
    )
    api.register_client_script("client/watch-button.js", scopes=["video-watch"])
    api.register_css("client/watch-button.css")
