"""M1: the transcoding plan came from the duration the container claims. A 1-frame file
claiming 50,000 s became thousands of 3 GB Lambda steps; one claiming 1,000 h made a plan
larger than a DynamoDB item, and the video stayed "To transcode" forever.

Crafted Matroska files go through the ingest function (real ffprobe over presigned URLs)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from chalicelib.store.models.video_stages import STAGE_UPLOADED
from tests.security.media_support import forged_mkv, ingest, media_stack, new_upload

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")

__all__ = ["media_stack"]  # the fixture, imported for pytest


def _ingested(stack: dict[str, Any], path: Path) -> Any:
    from chalicelib.store import videos

    video = new_upload(stack, path.read_bytes(), path.name)
    ingest(stack, video)
    return videos.get_video(int(video.id))


def test_a_one_frame_file_claiming_50000_seconds_plans_one_frame(media_stack: dict[str, Any], tmp_path: Path) -> None:
    video = _ingested(media_stack, forged_mkv(tmp_path / "forged.mkv", 50_000))

    assert video.stage == "encoding", video.failure
    assert float(video.plan["source"]["duration"]) < 1
    assert len(video.plan["chunks"]) == 1
    renditions = len(video.plan["renditions"])
    assert renditions <= 6  # a 1080p source's ladder
    # The images, the audio, and per rendition one chunk and its packaging (counted with the
    # encoding since progressive publication): nothing grows with the claimed duration.
    assert int(video.steps_total) <= 2 + 2 * renditions


def test_a_file_claiming_1000_hours_never_stays_to_transcode(media_stack: dict[str, Any], tmp_path: Path) -> None:
    video = _ingested(media_stack, forged_mkv(tmp_path / "forged.mkv", 1000 * 3600, size="320x240"))

    assert video.stage != STAGE_UPLOADED
    assert video.stage == "failed" or len(video.plan["chunks"]) == 1


def test_frames_spread_over_hours_in_a_small_file_are_refused(media_stack: dict[str, Any], tmp_path: Path) -> None:
    """Real packets at both ends of 50,000 s, in 200 KB: the packets agree with the header,
    but no real video is 4 bytes a second."""
    path = tmp_path / "gap.mkv"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25",
         "-frames:v", "2", "-vf", "setpts=N*50000/TB", "-fps_mode", "passthrough",
         "-c:v", "libx264", "-preset", "ultrafast", str(path)],
        check=True,
    )  # fmt: skip
    video = _ingested(media_stack, path)

    assert (video.stage, video.state) == ("failed", 7)
    assert "too small" in (video.failure or "")


def test_an_upload_needing_more_steps_than_the_cap_fails_visibly(
    media_stack: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cap at a test size (the real one needs hours of real video to reach): a plan
    beyond it fails the video with a reason instead of queueing the steps."""
    from chalicelib.domain import transcoding

    monkeypatch.setattr(transcoding, "MAX_STEPS", 10)
    monkeypatch.setattr(transcoding, "chunk_seconds", lambda resolution: 4.0)
    path = tmp_path / "long.mkv"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
         "-t", "60", "-c:v", "libx264", "-preset", "ultrafast", str(path)],
        check=True,
    )  # fmt: skip
    video = _ingested(media_stack, path)

    assert (video.stage, video.state) == ("failed", 7)
    assert "too long to transcode" in (video.failure or "")
    sent = media_stack["sqs"].receive_message(QueueUrl=media_stack["queue"]).get("Messages")
    assert sent is None
