"""PeerTube's reference data: enumerations and default configuration documents.

The JSON files under data/ are read on first use and kept for the life of the execution
environment; data/README.md says where each comes from.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

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
    return load("video_categories")  # type: ignore[no-any-return]


def video_licences() -> dict[str, str]:
    return load("video_licences")  # type: ignore[no-any-return]


def video_languages() -> dict[str, str]:
    return load("video_languages")  # type: ignore[no-any-return]


def video_privacies() -> dict[str, str]:
    return load("video_privacies")  # type: ignore[no-any-return]
