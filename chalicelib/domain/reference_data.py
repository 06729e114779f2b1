"""PeerTube's reference data: enumerations and default configuration documents.

The JSON files under data/ are read on first use and kept for the life of the execution
environment; data/README.md says where each comes from. Plugins' constant managers may add
or delete video categories, licences and languages, and delete privacies
(chalicelib/plugins/constants.py): the four tables below are PeerTube's with those changes.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from chalicelib import plugins

DATA_DIR = Path(__file__).resolve().parent / "data"

# PeerTube's VideoState labels (the numbers Cirrus uses).
VIDEO_STATES = {
    1: "Published",
    2: "To transcode",
    3: "To import",
    4: "Waiting for livestream",
    5: "Livestream ended",
    6: "To move to an external storage",
    7: "Transcoding failed",
    9: "To edit",
    12: "To import failed",
}


@functools.cache
def load(name: str) -> Any:
    with open(DATA_DIR / f"{name}.json", encoding="utf-8") as handle:
        return json.load(handle)


def video_categories() -> dict[str, str]:
    return plugins.altered("category", load("video_categories"))


def video_licences() -> dict[str, str]:
    return plugins.altered("licence", load("video_licences"))


def video_languages() -> dict[str, str]:
    return plugins.altered("language", load("video_languages"))


def video_privacies() -> dict[str, str]:
    return plugins.altered("privacy", load("video_privacies"))
