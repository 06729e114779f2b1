"""Transcription through Amazon Transcribe (TranscriptionEngine `transcribe`), over the local
AWS endpoint (ffmpeg reads presigned URLs; moto answers Transcribe): the request queues a work
task; the work function extracts the sound as FLAC into the media bucket and starts a job that
identifies the language and writes WebVTT into our bucket; the completion handler, given the
real "Transcribe Job State Change" event after the subtitles were put where Transcribe puts
them, stores the caption once (a redelivered event stores nothing twice); a failed job lets
the video be transcribed again."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from chalicelib.config import get_settings
from chalicelib.domain import amazon_transcribe, transcriptions
from chalicelib.media import layout
from chalicelib.store import captions as captions_store
from chalicelib.store import keys, transcribe_jobs, videos
from chalicelib.store.models import Video, VideoFile
from functions.transcription.handler import handle_job_state_change
from tests.local_endpoint import endpoint_with_resources
from tests.video_seed import add_video

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
PREFIX = "abcdef0123"
VTT = b"WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nBonjour tout le monde\n"


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    monkeypatch.setenv("CIRRUS_TRANSCRIPTION_ENGINE", "transcribe")
    get_settings.cache_clear()
    with endpoint_with_resources(monkeypatch) as resources:
        from chalicelib.domain import custom_config

        document = custom_config.defaults(get_settings())
        document["videoTranscription"] = {"enabled": True, "remoteRunners": {"enabled": False}}
        custom_config.update(get_settings(), document, datetime.now(UTC))
        yield resources
    get_settings.cache_clear()


def _published_with_sound(resources: dict[str, Any], tmp_path: Path) -> Video:
    audio = tmp_path / "audio.mp4"
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440",
         "-t", "3", "-c:a", "aac", str(audio)],
        check=True,
    )  # fmt: skip
    plan = {"source": {"audio_codec": "aac", "video_codec": "h264"}, "renditions": [], "chunks": []}
    video = add_video(1, 1, "Parlé", hls_prefix=PREFIX, plan=plan, language=None)
    videos.save_file(
        VideoFile(
            keys.video_pk(int(video.id)), keys.video_file_sk(0), video_id=int(video.id), resolution=0, width=0,
            height=0, fps=0, size=audio.stat().st_size, duration=3, bandwidth=64_000, codecs="mp4a.40.2",
            playlist_name=f"{PREFIX}-0.m3u8", media_name=f"{PREFIX}-0-fragmented.mp4",
        )
    )  # fmt: skip
    key = layout.hls_key(video.uuid, f"{PREFIX}-0-fragmented.mp4")
    resources["s3"].put_object(Bucket=resources["settings"].media_bucket, Key=key, Body=audio.read_bytes())
    return video


def _event(name: str, status: str, **detail: str) -> dict[str, Any]:
    """EventBridge's event for a Transcribe job, as AWS documents it."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Transcribe Job State Change",
        "source": "aws.transcribe",
        "account": "123456789012",
        "time": "2026-12-07T05:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": {"TranscriptionJobName": name, "TranscriptionJobStatus": status, **detail},
    }


def _context() -> Any:
    from local.lambda_runtime import LocalLambdaContext

    return LocalLambdaContext("transcription", 512, 60, "us-east-1")


def _work_tasks(resources: dict[str, Any]) -> list[dict[str, Any]]:
    sqs, settings = resources["sqs"], resources["settings"]
    url = sqs.get_queue_url(QueueName=settings.queues.work)["QueueUrl"]
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"]) for m in received]


def test_transcribe_extracts_the_sound_starts_a_job_and_stores_its_subtitles_once(
    stack: dict[str, Any], tmp_path: Path
) -> None:
    video = _published_with_sound(stack, tmp_path)
    assert transcriptions.path_in_force() == "transcribe"
    assert transcriptions.start_after_upload(video, datetime.now(UTC))
    (task,) = _work_tasks(stack)
    assert task["task"] == amazon_transcribe.TASK and task["video"] == video.uuid
    name = task["job"]

    assert amazon_transcribe.run(task["video"], name)
    bucket = stack["settings"].media_bucket
    flac = tmp_path / "sent.flac"
    flac.write_bytes(stack["s3"].get_object(Bucket=bucket, Key=transcribe_jobs.input_key(name))["Body"].read())
    probed = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,sample_rate,channels", "-of", "json",
             str(flac)],
            capture_output=True, check=True,
        ).stdout
    )  # fmt: skip
    assert probed["streams"] == [{"codec_name": "flac", "sample_rate": "16000", "channels": 1}]
    from chalicelib import aws as aws_clients

    job = aws_clients.transcribe().get_transcription_job(TranscriptionJobName=name)["TranscriptionJob"]
    assert job["Media"]["MediaFileUri"] == f"s3://{bucket}/{transcribe_jobs.input_key(name)}"
    assert job["Subtitles"]["Formats"] == ["vtt"] and job["IdentifyLanguage"] is True
    assert amazon_transcribe.run(task["video"], name)  # delivered again: the job exists, no error

    # Transcribe writes the subtitles beside its transcript, then EventBridge says so.
    stack["s3"].put_object(Bucket=bucket, Key=transcribe_jobs.subtitles_key(name), Body=VTT)
    assert handle_job_state_change(_event(name, "COMPLETED"), _context()) == {"stored": True}
    (caption,) = captions_store.list_captions(int(video.id))
    assert caption.automatically_generated and caption.language == "en"  # moto identifies en-US
    assert (videos.get_video(int(video.id)) or video).language == "en"
    assert handle_job_state_change(_event(name, "COMPLETED"), _context()) == {"stored": False}  # redelivered
    assert len(captions_store.list_captions(int(video.id))) == 1
    assert stack["s3"].list_objects_v2(Bucket=bucket, Prefix="transcription/").get("KeyCount") == 0


def test_a_failed_transcribe_job_lets_the_video_be_transcribed_again(stack: dict[str, Any], tmp_path: Path) -> None:
    video = _published_with_sound(stack, tmp_path)
    assert transcriptions.start_after_upload(video, datetime.now(UTC))
    (task,) = _work_tasks(stack)
    assert (videos.get_video(int(video.id)) or video).transcription_job == f"transcribe:{task['job']}"
    other = _event("someone-elses-job", "COMPLETED")
    assert handle_job_state_change(other, _context()) == {"stored": False}
    failed = _event(task["job"], "FAILED", FailureReason="The media file is too short.")
    assert handle_job_state_change(failed, _context()) == {"stored": False}
    assert (videos.get_video(int(video.id)) or video).transcription_job is None
    assert captions_store.list_captions(int(video.id)) == []
