"""Storyboards drawn by remote runners (PeerTube's `generate-video-storyboard` job) through
the transcoder's storyboard step and the runner API (moto): the job's payload, its input,
the sheet through the upload URL, and bad sheets refused."""

from __future__ import annotations

import copy
import io
import json
from typing import Any
from urllib.parse import urlsplit

import requests

from chalicelib import aws as aws_clients
from chalicelib.config import get_settings
from chalicelib.domain import storyboards
from chalicelib.media import layout
from chalicelib.store import keys, uploads_bucket, videos
from chalicelib.store.models import Video, VideoFile
from tests.api_client import ApiClient, ApiResponse
from tests.conftest import ROOT_PASSWORD
from tests.local_endpoint import transcoder_context
from tests.members import Member
from tests.multipart_body import form_body
from tests.video_seed import add_video

JOBS = "/api/v1/runners/jobs"
PREFIX = "a1b2c3d4"


def _jpeg(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def _published(owner: Member) -> Video:
    """A published 10 s video with a 240p rendition (items and its file)."""
    video = add_video(owner.account_id, owner.channel_id, "Storyboarded", duration=10, hls_prefix=PREFIX)
    videos.save_file(
        VideoFile(
            keys.video_pk(int(video.id)), keys.video_file_sk(240), video_id=int(video.id), resolution=240,
            width=426, height=240, fps=25, size=1000, duration=10, bandwidth=100_000, codecs="avc1.64001f",
            playlist_name=f"{PREFIX}-240.m3u8", media_name=f"{PREFIX}-240-fragmented.mp4",
        )
    )  # fmt: skip
    key = layout.hls_key(video.uuid, f"{PREFIX}-240-fragmented.mp4")
    aws_clients.s3().put_object(Bucket=get_settings().media_bucket, Key=key, Body=b"the rendition")
    return video


def _storyboard_step(video: Video) -> None:
    """The storyboard step, as the transcode queue hands it to the transcoder."""
    from functions.transcoder.handler import handle_step

    body = json.dumps(storyboards.step_message(video))
    record = {"messageId": "m", "receiptHandle": "r", "body": body, "attributes": {"ApproximateReceiveCount": "1"},
              "messageAttributes": {}, "eventSource": "aws:sqs"}  # fmt: skip
    assert handle_step({"Records": [record]}, transcoder_context()) == {"batchItemFailures": []}


def _runner(api: ApiClient, root: str) -> str:
    assert api.post_json("/api/v1/runners/registration-tokens/generate", {}, token=root).status == 204
    token = api.get_as("/api/v1/runners/registration-tokens", root).json()["data"][0]["registrationToken"]
    answer = api.post_json("/api/v1/runners/register", {"registrationToken": token, "name": "box"})
    return str(answer.json()["runnerToken"])


def _success(api: ApiClient, job: dict[str, Any], tokens: dict[str, str], sheet: bytes | None) -> ApiResponse:
    body, content_type = form_body(tokens, {"payload[storyboardFile]": sheet} if sheet is not None else {}, "s.jpg")
    return api.request("POST", f"{JOBS}/{job['uuid']}/success", body=body, headers={"Content-Type": content_type})


def test_a_storyboard_is_a_runner_job_when_runners_draw_them(api: ApiClient, people: dict[str, Member]) -> None:
    root = str(api.login("root", ROOT_PASSWORD)["access_token"])
    custom = copy.deepcopy(api.get_as("/api/v1/config/custom", root).json())
    assert custom["storyboard"]["remoteRunners"] == {"enabled": False}
    custom["storyboard"]["remoteRunners"] = {"enabled": "yes"}
    assert api.put_json("/api/v1/config/custom", custom, token=root).status == 400
    custom["storyboard"]["remoteRunners"] = {"enabled": True}
    assert api.put_json("/api/v1/config/custom", custom, token=root).status == 200
    runner = _runner(api, root)
    video = _published(people["alice"])
    _storyboard_step(video)
    _storyboard_step(video)  # delivered again: the same job

    (offered,) = api.post_json(f"{JOBS}/request", {"runnerToken": runner}).json()["availableJobs"]
    assert offered["type"] == "generate-video-storyboard"
    # 10 s of 426x240: one 192x108 tile a second, one row of ten (PeerTube's payload).
    assert offered["payload"]["sprites"] == {
        "size": {"width": 192, "height": 108},
        "count": {"width": 10, "height": 1},
        "duration": 1,
    }
    job = api.post_json(f"{JOBS}/{offered['uuid']}/accept", {"runnerToken": runner}).json()["job"]
    tokens = {"runnerToken": runner, "jobToken": job["jobToken"]}
    found = api.post_json(urlsplit(job["payload"]["input"]["videoFileUrl"]).path, tokens)
    assert found.status == 302 and f"/{video.uuid}/{PREFIX}-240-fragmented.mp4" in found.headers["location"]

    upload = job["payload"]["output"]["storyboardFileCustomUpload"]
    assert upload["method"] == "PUT"
    assert _success(api, job, tokens, None).status == 400  # nothing sent
    assert _success(api, job, tokens, b"GIF89a not a jpeg").status == 400
    assert requests.put(upload["url"], data=_jpeg(4000, 108), timeout=30).status_code == 200
    refused = _success(api, job, tokens, None)
    assert refused.status == 400 and "sprite sheet" in refused.json()["detail"]
    name = f"runner/{job['uuid']}/1/storyboardFile.jpg"
    assert uploads_bucket.work_file_size(video.uuid, name) is None  # deleted
    assert (videos.get_video(int(video.id)) or video).storyboard is None

    sheet = _jpeg(1920, 108)
    assert requests.put(upload["url"], data=sheet, timeout=30).status_code == 200
    assert _success(api, job, tokens, None).status == 204
    stored = videos.get_video(int(video.id))
    assert stored is not None and stored.storyboard == {
        "total_width": 1920, "total_height": 108, "sprite_width": 192, "sprite_height": 108, "sprite_duration": 1,
    }  # fmt: skip
    served = aws_clients.s3().get_object(Bucket=get_settings().media_bucket, Key=layout.storyboard_key(video.uuid))
    assert served["Body"].read() == sheet
    (entry,) = api.get(f"/api/v1/videos/{video.uuid}/storyboards").json()["storyboards"]
    assert (entry["totalWidth"], entry["spriteDuration"]) == (1920, 1)


def test_a_cancelled_storyboard_job_leaves_the_video_published(api: ApiClient, people: dict[str, Member]) -> None:
    root = str(api.login("root", ROOT_PASSWORD)["access_token"])
    custom = copy.deepcopy(api.get_as("/api/v1/config/custom", root).json())
    custom["storyboard"]["remoteRunners"] = {"enabled": True}
    assert api.put_json("/api/v1/config/custom", custom, token=root).status == 200
    runner = _runner(api, root)
    video = _published(people["alice"])
    _storyboard_step(video)
    # A runner naming its types gets it only when it names this one (tools/runner does not).
    assert api.post_json(f"{JOBS}/request", {"runnerToken": runner, "jobTypes": ["vod-hls-transcoding"]}).json() == {
        "availableJobs": []
    }
    (offered,) = api.post_json(
        f"{JOBS}/request", {"runnerToken": runner, "jobTypes": ["generate-video-storyboard"]}
    ).json()["availableJobs"]
    assert api.post_json(f"{JOBS}/{offered['uuid']}/cancel", {}, token=root).status == 204
    current = videos.get_video(int(video.id))
    assert current is not None and current.stage == "done" and current.storyboard is None
