"""A plugin that fails in every way a hook can: raises, hangs, returns the wrong type."""

from __future__ import annotations

import time
from typing import Any

HANG_SECONDS = 5.0


def register(api: Any) -> None:
    def raises(*args: Any) -> Any:
        raise RuntimeError("the faulty plugin fails")

    def hangs(result: Any, params: dict[str, Any]) -> Any:
        time.sleep(HANG_SECONDS)
        return {"accepted": False, "errorMessage": "too late to count"}

    def wrong_type(result: Any, params: dict[str, Any]) -> Any:
        return "not a list"

    api.register_hook("filter:api.video.upload.accept.result", raises, priority=10)
    api.register_hook("filter:api.video.upload.accept.result", hangs, priority=5)
    api.register_hook("filter:transcoding.auto.resolutions-to-transcode.result", wrong_type)
    api.register_hook("filter:transcoding.auto.resolutions-to-transcode.result", raises)
    api.register_hook("action:api.video.uploaded", raises)
    api.register_hook("filter:api.video.uplaod.accept.result", raises)  # misspelt on purpose
