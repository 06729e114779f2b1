"""A local Whisper engine for `video-transcription` jobs: the `whisper-ctranslate2` command
(faster-whisper's CLI) with a CTranslate2 model already on disk.

The runner takes transcription jobs only when both are there (`find`): it never downloads a
model, so `--model_directory` names the model's folder (the one holding its `model.bin`)
and the command reads it from there.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

COMMAND = "whisper-ctranslate2"
TIMEOUT_SECONDS = 6 * 3600  # PeerTube's transcription timeout


class WhisperError(Exception):
    """The engine failed or wrote no usable transcript."""


@dataclass(frozen=True)
class Transcript:
    vtt: Path
    language: str  # as Whisper names it: an ISO 639-1 code, such as "en"


@dataclass(frozen=True)
class Engine:
    command: str
    model_directory: Path

    def transcribe(self, media: Path, output: Path) -> Transcript:
        """Run the engine on `media`; its WebVTT and the language it detected."""
        output.mkdir(parents=True, exist_ok=True)
        argv = [
            self.command, str(media), "--model_directory", str(self.model_directory),
            "--output_format", "all", "--output_dir", str(output),
        ]  # fmt: skip
        try:
            subprocess.run(argv, check=True, capture_output=True, timeout=TIMEOUT_SECONDS)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            stderr = getattr(error, "stderr", b"") or b""
            raise WhisperError(f"{COMMAND} failed: {stderr.decode(errors='replace')[-500:]}") from None
        vtt, facts = output / f"{media.stem}.vtt", output / f"{media.stem}.json"
        if not vtt.is_file() or not facts.is_file():
            raise WhisperError(f"{COMMAND} wrote no transcript")
        language = json.loads(facts.read_text(encoding="utf-8")).get("language")
        if not isinstance(language, str) or not language:
            raise WhisperError(f"{COMMAND} did not say which language it heard")
        return Transcript(vtt, language)


def find(model_directory: Path | None) -> Engine | None:
    """The engine, when its command is on PATH and the model is on disk; None otherwise."""
    if model_directory is None:
        return None
    command = shutil.which(COMMAND)
    if command is None or not (model_directory / "model.bin").is_file():
        return None
    return Engine(command, model_directory)
