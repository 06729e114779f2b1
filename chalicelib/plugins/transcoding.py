"""PeerTube's transcodingManager for Cirrus's VOD encodes: a plugin adds an encoding profile
(`add_vod_profile(encoder, profile, builder)`) and says which encoders to prefer
(`add_vod_encoder_priority("video", encoder, priority)`; libx264 has PeerTube's 100).

The administrator picks the profile (custom config `transcoding.profile`, among ServerConfig's
`transcoding.availableProfiles`). When it is a plugin's, each rendition's options are built
once, when the upload's plan is made (domain/transcoding.py), and kept in the plan, so every
chunk of a rendition is encoded with the same ones. Cirrus keeps its own scale filter, frame
rate, GOP and keyframe grid (the HLS segments of every rendition must start together), and
the encode's inputs and outputs; the builder gives the encoder's options.

A builder is `builder({"input", "resolution", "fps", "stream_num", "input_probe"})` and
returns `{"outputOptions": [...], "inputOptions": [...]?}` (lists of strings), as PeerTube's
`EncoderOptionsBuilder`. One that raises, overruns or answers something else is skipped,
logged and counted like a failing hook; the default profile's options are used instead.
Live and audio profiles are not supported: lives are encoded by the ingest's own ladder.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DEFAULT_PROFILE = "default"
DEFAULT_VIDEO_ENCODER = "libx264"
DEFAULT_PRIORITY = 100  # PeerTube's for libx264 and aac
MAX_OPTIONS = 64
MAX_OPTION_LENGTH = 512
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass
class Profiles:
    """What one plugin registered."""

    builders: dict[tuple[str, str], Callable[..., Any]] = field(default_factory=dict)  # (encoder, profile)
    priorities: dict[str, int] = field(default_factory=dict)  # video encoders


@dataclass(frozen=True)
class EncoderOptions:
    encoder: str
    input_options: tuple[str, ...]
    output_options: tuple[str, ...]

    def as_plan(self) -> dict[str, Any]:
        return {"encoder": self.encoder, "input": list(self.input_options), "output": list(self.output_options)}


class TranscodingManager:
    """`api.transcoding_manager` of one plugin."""

    def __init__(self, profiles: Profiles) -> None:
        self._profiles = profiles

    def add_vod_profile(self, encoder: str, profile: str, builder: Callable[..., Any]) -> None:
        _check_name("encoder", encoder)
        _check_name("profile", profile)
        if profile == DEFAULT_PROFILE:
            raise ValueError("the default profile is Cirrus's own")
        if not callable(builder):
            raise TypeError("a profile's builder is a function")
        self._profiles.builders[(encoder, profile)] = builder

    def add_vod_encoder_priority(self, stream_type: str, encoder: str, priority: int) -> None:
        if stream_type != "video":
            raise ValueError("Cirrus encodes plugins' profiles for video streams only")
        _check_name("encoder", encoder)
        self._profiles.priorities[encoder] = int(priority)

    def add_live_profile(self, encoder: str, profile: str, builder: Callable[..., Any]) -> None:
        raise NotImplementedError("live profiles are not supported by Cirrus (the ingest has its own ladder)")

    def add_live_encoder_priority(self, stream_type: str, encoder: str, priority: int) -> None:
        raise NotImplementedError("live profiles are not supported by Cirrus (the ingest has its own ladder)")

    def remove_all_profiles_and_encoder_priorities(self) -> None:
        self._profiles.builders.clear()
        self._profiles.priorities.clear()


def _check_name(what: str, value: object) -> None:
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise ValueError(f"a {what} name is letters, digits, '.', '_' or '-' (at most 64)")


def checked_options(encoder: str, answer: object) -> EncoderOptions | None:
    """The builder's answer as options, or None when it is not PeerTube's shape."""
    if not isinstance(answer, dict):
        return None
    lists = []
    for key in ("inputOptions", "outputOptions"):
        value = answer.get(key, [])
        if not isinstance(value, list) or len(value) > MAX_OPTIONS:
            return None
        if not all(isinstance(item, str) and 0 < len(item) <= MAX_OPTION_LENGTH and "\0" not in item for item in value):
            return None
        # PeerTube's options may hold "-preset veryfast" in one string: ffmpeg wants two.
        lists.append(tuple(part for item in value for part in item.split()))
    return EncoderOptions(encoder, lists[0], lists[1])
