"""Amazon Transcribe jobs and their files in the media bucket (domain/amazon_transcribe.py).

The sound to transcribe is written under `transcription/input/`, and Transcribe writes its
transcript and WebVTT subtitles under `transcription/output/` (OutputKey `<name>.json`: the
subtitles are `<name>.vtt` beside it). The functions' IAM policies name these two prefixes
only.
"""

from __future__ import annotations

from pathlib import Path

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.store import media

INPUT_PREFIX = "transcription/input/"
OUTPUT_PREFIX = "transcription/output/"
AUDIO_TYPE = "audio/flac"


def input_key(name: str) -> str:
    return f"{INPUT_PREFIX}{name}.flac"


def subtitles_key(name: str) -> str:
    return f"{OUTPUT_PREFIX}{name}.vtt"


def put_audio(name: str, path: Path) -> str:
    """Store the extracted sound; its key."""
    key = input_key(name)
    media.upload_file(path, key, AUDIO_TYPE, cache_control="no-store")
    return key


def start(name: str, audio_key: str) -> bool:
    """StartTranscriptionJob: language identified, WebVTT subtitles into our bucket; False
    when a job of that name exists (the same task delivered again)."""
    bucket = get_settings().media_bucket
    client = aws.transcribe()
    try:
        client.start_transcription_job(
            TranscriptionJobName=name,
            Media={"MediaFileUri": f"s3://{bucket}/{audio_key}"},
            MediaFormat="flac",
            IdentifyLanguage=True,
            Subtitles={"Formats": ["vtt"]},
            OutputBucketName=bucket,
            OutputKey=f"{OUTPUT_PREFIX}{name}.json",
        )
    except client.exceptions.ConflictException:
        return False
    return True


def language_of(name: str) -> str | None:
    """The language Transcribe identified (such as "en-US"), from GetTranscriptionJob."""
    job = aws.transcribe().get_transcription_job(TranscriptionJobName=name)["TranscriptionJob"]
    code = job.get("LanguageCode")
    return str(code) if code else None


def read_subtitles(name: str) -> bytes | None:
    return media.read_file(subtitles_key(name))


def delete_files(name: str) -> None:
    media.delete_files([input_key(name), subtitles_key(name), f"{OUTPUT_PREFIX}{name}.json"])
