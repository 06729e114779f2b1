"""The runner client's Whisper engine (tools/runner/whisper.py): it is found only when the
`whisper-ctranslate2` command is on PATH and a model is on disk (so a runner without them
never asks for transcription jobs), and it reads the WebVTT and detected language the command
writes. The command here is a small script standing in for whisper-ctranslate2: it records
its arguments and writes files as the real one does."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tools.runner import whisper
from tools.runner.client import HLS_JOB, STORYBOARD_JOB, STUDIO_JOB, TRANSCRIPTION_JOB, Runner

FAKE = """#!/bin/sh
echo "$@" > "$(dirname "$0")/argv"
[ -n "$FAIL" ] && { echo "model broken" >&2; exit 3; }
out=""; prev=""
for a in "$@"; do [ "$prev" = "--output_dir" ] && out="$a"; prev="$a"; done
base=$(basename "$1"); base="${base%.*}"
printf 'WEBVTT\\n\\n00:00:00.000 --> 00:00:01.000\\nHello\\n' > "$out/$base.vtt"
printf '{"text": "Hello", "segments": [], "language": "fr"}' > "$out/$base.json"
"""


@pytest.fixture
def engine_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / whisper.COMMAND
    script.write_text(FAKE)
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return bin_dir


def test_no_engine_without_the_command_or_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.bin").write_bytes(b"weights")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert whisper.find(model) is None
    assert whisper.find(None) is None
    runner = Runner("http://instance.example", "ptrt-x")
    assert runner.job_types() == [HLS_JOB, STUDIO_JOB, STORYBOARD_JOB]


def test_no_engine_without_a_model_on_disk(engine_on_path: Path, tmp_path: Path) -> None:
    assert whisper.find(tmp_path / "nowhere") is None
    empty = tmp_path / "empty-model"
    empty.mkdir()
    assert whisper.find(empty) is None


def test_the_engine_transcribes_with_the_model_on_disk(engine_on_path: Path, tmp_path: Path) -> None:
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.bin").write_bytes(b"weights")
    engine = whisper.find(model)
    assert engine is not None
    runner = Runner("http://instance.example", "ptrt-x", whisper=engine)
    assert runner.job_types() == [HLS_JOB, STUDIO_JOB, STORYBOARD_JOB, TRANSCRIPTION_JOB]

    media = tmp_path / "input.mp4"
    media.write_bytes(b"sound")
    transcript = engine.transcribe(media, tmp_path / "out")
    assert transcript.language == "fr"
    assert transcript.vtt.read_text().startswith("WEBVTT")
    argv = (engine_on_path / "argv").read_text().split()
    assert argv[argv.index("--model_directory") + 1] == str(model)  # never a model name to fetch
    assert "--model" not in argv


def test_an_engine_failure_is_reported(engine_on_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = tmp_path / "model"
    model.mkdir()
    (model / "model.bin").write_bytes(b"weights")
    engine = whisper.find(model)
    assert engine is not None
    monkeypatch.setenv("FAIL", "1")
    media = tmp_path / "input.mp4"
    media.write_bytes(b"sound")
    with pytest.raises(whisper.WhisperError, match="model broken"):
        engine.transcribe(media, tmp_path / "out")
