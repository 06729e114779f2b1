"""The sample plugin of Cirrus's tests: each hook changes something a test can see."""

from __future__ import annotations

from typing import Any

TOLD: list[tuple[str, dict[str, Any]]] = []  # the actions it was told, for the tests


def register(api: Any) -> None:
    api.register_setting("refused-word", label="Refused word", type="input", default="refused", private=False)
    api.register_setting("secret", label="Secret", type="input-password", default="s3cret")
    api.register_setting("enabled", label="Enabled", type="input-checkbox", default=True, private=False)
    api.register_setting(
        "mode",
        label="Mode",
        type="select",
        default="a",
        options=[{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
    )

    def refuse_upload(result: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        word = api.settings_manager.get_setting("refused-word")
        if word and word in params["video_body"]["name"]:
            return {"allowed": False, "errorMessage": f"Titles with '{word}' are refused by the sample plugin"}
        return result

    def add_1440(result: list[int], params: dict[str, Any]) -> list[int]:
        return sorted({*result, 1440})

    def uploaded(params: dict[str, Any]) -> None:
        TOLD.append(("action:api.video.uploaded", params))
        api.storage.store_data("last-upload", params["video"].uuid)

    api.register_hook("filter:api.video.upload.accept.result", refuse_upload)
    api.register_hook("filter:transcoding.auto.resolutions-to-transcode.result", add_1440)
    api.register_hook("action:api.video.uploaded", uploaded)
