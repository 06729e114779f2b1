"""Settings of every kind the SPA's Plugins page draws, and no hook: the web client's
browser tests run with it installed without any other behaviour changing."""

from __future__ import annotations

from typing import Any


def register(api: Any) -> None:
    api.register_setting("intro", type="html", html="<p>Settings for the <strong>demo</strong>.</p>")
    api.register_setting("greeting", label="Greeting", type="input", default="Hello", private=False)
    api.register_setting("secret", label="Secret", type="input-password", default="")
    api.register_setting("shout", label="Shout", type="input-checkbox", default=False, private=False)
    api.register_setting(
        "colour",
        label="Colour",
        type="select",
        default="blue",
        options=[{"value": "blue", "label": "Blue"}, {"value": "green", "label": "Green"}],
    )
    api.register_setting("notes", label="Notes", type="input-textarea", default="")
