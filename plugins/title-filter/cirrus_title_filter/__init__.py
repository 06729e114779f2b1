"""Refuse uploads whose title matches the administrator's regular expression.

Settings: `title-pattern` (a Python regular expression, searched case-insensitively; empty
refuses nothing) and `refusal-message` (what the uploader reads in the 403). A pattern that
does not compile refuses nothing; Cirrus's time budget stops one that backtracks too long.
"""

from __future__ import annotations

import re
from typing import Any

UPLOAD_ACCEPT = "filter:api.video.upload.accept.result"
DEFAULT_MESSAGE = "This title is not accepted on this instance"


def register(api: Any) -> None:
    api.register_setting(
        "title-pattern",
        label="Refuse titles matching (regular expression)",
        type="input",
        default="",
        description="Searched in each new upload's title, ignoring case. Empty: accept every title.",
    )
    api.register_setting(
        "refusal-message", label="Message shown to the uploader", type="input", default=DEFAULT_MESSAGE
    )

    def check_title(result: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        if result.get("accepted") is False:
            return result
        settings = api.settings_manager.get_settings(["title-pattern", "refusal-message"])
        pattern = settings["title-pattern"]
        if not pattern:
            return result
        try:
            matched = re.search(pattern, str(params["video_body"].get("name", "")), re.IGNORECASE)
        except re.error:
            return result
        if matched:
            return {"accepted": False, "errorMessage": settings["refusal-message"] or DEFAULT_MESSAGE}
        return result

    api.register_hook(UPLOAD_ACCEPT, check_title)
