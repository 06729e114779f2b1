"""Encoding profiles through PeerTube's transcodingManager: one that makes small files, one
whose builder raises, and one for an encoder given no priority (never tried)."""

from __future__ import annotations

from typing import Any

ASKED: list[dict[str, Any]] = []


def register(api: Any) -> None:
    def small_files(params: dict[str, Any]) -> dict[str, Any]:
        ASKED.append(params)
        return {"outputOptions": ["-preset ultrafast", f"-crf {40 if params['resolution'] < 720 else 36}"]}

    def broken(params: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("the profile's builder fails")

    api.transcoding_manager.add_vod_profile("libx264", "small-files", small_files)
    api.transcoding_manager.add_vod_profile("libx264", "broken", broken)
    api.transcoding_manager.add_vod_profile("libnothing", "unreachable", small_files)
    api.transcoding_manager.add_vod_encoder_priority("video", "libx264", 100)
