"""Add a 1440p rendition to the uploads of chosen channels.

Setting `channels`: channel names (their handles without the host), one per line or
separated by commas. An upload to one of them is also encoded at 1440p, above its source if
need be (PeerTube upscales what a plugin asks for).
"""

from __future__ import annotations

import re
from typing import Any

RESOLUTIONS = "filter:transcoding.auto.resolutions-to-transcode.result"
QHD = 1440


def register(api: Any) -> None:
    api.register_setting(
        "channels",
        label="Channels whose uploads get a 1440p rendition",
        type="input-textarea",
        default="",
        description="Channel names, one per line.",
    )

    def add_1440p(resolutions: list[int], params: dict[str, Any]) -> list[int]:
        channel = params.get("channel")
        name = getattr(channel, "preferred_username", None)
        listed = {
            entry.strip().lower() for entry in re.split(r"[,\n]", api.settings_manager.get_setting("channels") or "")
        }
        if name and name.lower() in listed and QHD not in resolutions:
            return sorted([*resolutions, QHD], reverse=True)
        return resolutions

    api.register_hook(RESOLUTIONS, add_1440p)
