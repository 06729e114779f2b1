"""Changes PeerTube's video constants through its managers; what each call answered is kept
for the tests."""

from __future__ import annotations

from typing import Any

ANSWERS: dict[str, Any] = {}


def register(api: Any) -> None:
    ANSWERS["add category"] = api.video_category_manager.add_constant(100, "Cooking")
    ANSWERS["add existing category"] = api.video_category_manager.add_constant(2, "Not films")
    ANSWERS["delete category"] = api.video_category_manager.delete_constant(1)
    ANSWERS["delete missing category"] = api.video_category_manager.delete_constant(999)
    ANSWERS["add licence"] = api.video_licence_manager.add_constant(42, "Plugin licence")
    ANSWERS["add language"] = api.video_language_manager.add_constant("qya", "Quenya")
    ANSWERS["delete language"] = api.video_language_manager.delete_constant("fr")
    ANSWERS["delete privacy"] = api.video_privacy_manager.delete_constant(4)
    ANSWERS["category 100"] = api.video_category_manager.get_constant_value(100)
    try:
        api.video_privacy_manager.add_constant(9, "Secret")
    except TypeError as error:
        ANSWERS["add privacy"] = str(error)
