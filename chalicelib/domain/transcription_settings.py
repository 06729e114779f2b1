"""Which way a transcription runs, from the deployment's engine and the administrator's
`videoTranscription` settings (domain/transcriptions.py explains the choice). Pure: the
server configuration reads it too."""

from __future__ import annotations

from typing import Any

RUNNERS, TRANSCRIBE = "runners", "transcribe"


def path(custom: dict[str, Any], engine: str) -> str | None:
    """RUNNERS, TRANSCRIBE, or None when transcription is off."""
    section = custom.get("videoTranscription") or {}
    if engine == "none" or section.get("enabled") is not True:
        return None
    if engine == RUNNERS or (section.get("remoteRunners") or {}).get("enabled") is True:
        return RUNNERS
    return TRANSCRIBE


def server_config(custom: dict[str, Any], engine: str) -> dict[str, Any]:
    """ServerConfig's `videoTranscription`: what clients offer (the upload's checkbox, the
    caption page's "generate" button)."""
    chosen = path(custom, engine)
    return {"enabled": chosen is not None, "remoteRunners": {"enabled": chosen == RUNNERS}}
